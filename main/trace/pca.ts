// A two-component PCA for the step viewer's latent plot: fitted per trace on a handful of vectors (one per
// supervision step), so it works on the m×m Gram matrix (m = number of vectors, D can be 512) and a Jacobi
// eigensolver rather than on the D×D covariance.

export interface PcaFit {
  /** Mean of the fitted vectors [D]. */
  mean: Float64Array;
  /** Two unit principal directions [2][D]; a direction is all zeros when the data has fewer dimensions. */
  components: [Float64Array, Float64Array];
  /** Share of the total variance along each direction (0 when the vectors are all equal). */
  explainedVariance: [number, number];
}

/** Fits two principal directions to `vectors` (each of the same length D). Deterministic: each direction's
 *  sign is chosen so that its largest-magnitude entry is positive. */
export function fitPca2(vectors: ArrayLike<number>[]): PcaFit {
  const m = vectors.length;
  if (m === 0) throw new Error('PCA needs at least one vector');
  const dim = vectors[0].length;
  const mean = new Float64Array(dim);
  for (const v of vectors) for (let d = 0; d < dim; d++) mean[d] += v[d] / m;
  const centred = vectors.map((v) => Float64Array.from({ length: dim }, (_, d) => v[d] - mean[d]));

  // Gram matrix G = Xc·Xcᵀ shares its non-zero eigenvalues with the covariance; v = Xcᵀu / √λ.
  const gram = Array.from({ length: m }, (_, i) => Float64Array.from({ length: m }, (_, j) => dot(centred[i], centred[j])));
  const { values, vectors: eigenvectors } = symmetricEigen(gram);
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  const total = values.reduce((sum, v) => sum + Math.max(v, 0), 0);
  const components: Float64Array[] = [];
  const explained: number[] = [];
  for (let k = 0; k < 2; k++) {
    const direction = new Float64Array(dim);
    const index = order[k];
    const lambda = index === undefined ? 0 : values[index];
    // Directions with (numerically) no variance stay zero: their projections are 0, not noise.
    if (index !== undefined && lambda > 1e-12 * Math.max(total, 1e-30) && lambda > 0) {
      for (let i = 0; i < m; i++) {
        const weight = eigenvectors[i][index] / Math.sqrt(lambda);
        for (let d = 0; d < dim; d++) direction[d] += weight * centred[i][d];
      }
      let largest = 0;
      for (let d = 0; d < dim; d++) if (Math.abs(direction[d]) > Math.abs(direction[largest])) largest = d;
      if (direction[largest] < 0) for (let d = 0; d < dim; d++) direction[d] = -direction[d];
    }
    components.push(direction);
    explained.push(total > 0 && index !== undefined ? Math.max(lambda, 0) / total : 0);
  }
  return { mean, components: [components[0], components[1]], explainedVariance: [explained[0], explained[1]] };
}

/** Coordinates of `vector` along the fit's two directions. */
export function projectPca2(fit: PcaFit, vector: ArrayLike<number>): [number, number] {
  const out: [number, number] = [0, 0];
  for (let k = 0; k < 2; k++) {
    let sum = 0;
    const component = fit.components[k];
    for (let d = 0; d < component.length; d++) sum += (vector[d] - fit.mean[d]) * component[d];
    out[k] = sum;
  }
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** Eigenvalues and eigenvectors (columns: vectors[i][k] is entry i of eigenvector k) of a small symmetric
 *  matrix, by cyclic Jacobi rotations. */
export function symmetricEigen(matrix: Float64Array[]): { values: number[]; vectors: Float64Array[] } {
  const n = matrix.length;
  const a = matrix.map((row) => Float64Array.from(row));
  const v = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) offDiagonal += a[p][q] * a[p][q];
    if (offDiagonal < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i]), vectors: v };
}
