// Chart plumbing shared by the run page's charts and the compare view's: the zoom gestures and the axis style.
import { useRef, useState, type PointerEvent } from 'react';
import { usePlotArea, useXAxisInverseScale } from 'recharts';

/** A zoomed x range (steps, or the compare view's time axis), shared by every chart of a page. */
export type StepRange = [number, number];

/** Ticks and axis line of every chart's axes (spread into recharts' XAxis / YAxis). */
export const AXIS_STYLE = { tick: { fontSize: 11 }, stroke: '#9aa3af' } as const;

export interface HoverPosition {
  /** The x value under the pointer. */
  x: number;
  /** Its position in the chart's SVG, in pixels. */
  left: number;
}

/** A transparent layer over the plot area: drag to select an x range, double-click to reset the zoom. With
 *  `onHover` it also reports the x under the pointer, and draws a hover line at `hoverLeft` while not dragging.
 *  Chart exports drop the layer (.drag-zoom). */
export function DragToZoom({ onZoom, onHover, hoverLeft = null }: {
  onZoom: (range: StepRange | null) => void;
  onHover?: (hover: HoverPosition | null) => void;
  hoverLeft?: number | null;
}) {
  const plot = usePlotArea();
  const toX = useXAxisInverseScale();
  const layer = useRef<SVGRectElement>(null);
  const [drag, setDrag] = useState<{ fromX: number; toX: number } | null>(null);
  if (!plot || !toX) return null;

  const localX = (event: PointerEvent<SVGRectElement>) => {
    const svg = layer.current!.ownerSVGElement!.getBoundingClientRect();
    return Math.min(plot.x + plot.width, Math.max(plot.x, event.clientX - svg.left));
  };
  const finish = () => {
    if (drag && Math.abs(drag.toX - drag.fromX) > 4) {
      const a = Number(toX(drag.fromX));
      const b = Number(toX(drag.toX));
      onZoom([Math.min(a, b), Math.max(a, b)]);
    }
    setDrag(null);
  };
  return (
    <g className="drag-zoom">
      {hoverLeft !== null && !drag && <line x1={hoverLeft} x2={hoverLeft} y1={plot.y} y2={plot.y + plot.height} className="hover-line" />}
      {drag && <rect x={Math.min(drag.fromX, drag.toX)} y={plot.y} width={Math.abs(drag.toX - drag.fromX)} height={plot.height} className="zoom-selection" />}
      <rect ref={layer} x={plot.x} y={plot.y} width={plot.width} height={plot.height} fill="transparent" className="zoom-layer"
        onPointerDown={(e) => { e.currentTarget.setPointerCapture(e.pointerId); const x = localX(e); setDrag({ fromX: x, toX: x }); }}
        onPointerMove={(e) => {
          if (!drag && !onHover) return;
          const x = localX(e);
          if (drag) setDrag({ ...drag, toX: x });
          onHover?.({ x: Number(toX(x)), left: x });
        }}
        onPointerUp={finish} onPointerCancel={() => setDrag(null)} onPointerLeave={onHover && (() => onHover(null))} onDoubleClick={() => onZoom(null)} />
    </g>
  );
}
