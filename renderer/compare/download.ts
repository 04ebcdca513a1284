// Files from the page: text and blobs saved through a Blob URL and a temporary <a download>, and a chart's SVG
// serialised as it is drawn (recharts sets colours and strokes as attributes, so the file looks the same).
// PNG: the SVG is drawn into an offscreen canvas through a data: URL image (the CSP allows data: images).

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke after the click has been handled; the download keeps its own reference.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, fileName: string, type: string): void {
  downloadBlob(new Blob([text], { type: `${type};charset=utf-8` }), fileName);
}

/** A standalone SVG document of `svg` with a white background and the page's font, at its drawn size. */
export function serializeChartSvg(svg: SVGSVGElement, title: string): { text: string; width: number; height: number } {
  const { width, height } = svg.getBoundingClientRect();
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(Math.round(width)));
  copy.setAttribute('height', String(Math.round(height)));
  copy.setAttribute('viewBox', `0 0 ${Math.round(width)} ${Math.round(height)}`);
  copy.setAttribute('font-family', getComputedStyle(svg).fontFamily);
  copy.setAttribute('font-size', '11');
  copy.querySelectorAll('.drag-zoom').forEach((node) => node.remove());
  const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', '#ffffff');
  copy.insertBefore(background, copy.firstChild);
  const titleElement = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  titleElement.textContent = title;
  copy.insertBefore(titleElement, copy.firstChild);
  return { text: new XMLSerializer().serializeToString(copy), width, height };
}

/** The SVG rasterised at `scale`× into a PNG blob. */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const image = new Image();
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the chart could not be drawn as an image'));
  });
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await loaded;
  const canvas = new OffscreenCanvas(Math.round(width * scale), Math.round(height * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas available');
  context.scale(scale, scale);
  context.drawImage(image, 0, 0, width, height);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** A file name from free text: `Exact accuracy` → `exact-accuracy`. */
export function fileSlug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9@]+/g, '-').replace(/^-+|-+$/g, '') || 'chart';
}
