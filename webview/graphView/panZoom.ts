import type { Bounds } from './render';

/** Wheel zoom is exponential in the scroll distance; this many pixels double or halve the scale. */
const WHEEL_PIXELS_PER_DOUBLING = 500;
/** Pointer travel, in pixels, beyond which a press is a drag and not a click. */
const DRAG_THRESHOLD = 4;
const FIT_MARGIN = 16;
/** How far in and out of the fitted view the user may zoom. */
const MAX_ZOOM_IN = 20;
const MAX_ZOOM_OUT = 4;

export interface PanZoom {
  /** Shows all of `bounds`, and remembers it as the reference for zoom limits. */
  fit(bounds: Bounds): void;
}

/**
 * Pan by dragging and zoom with the wheel around the pointer, both by moving the SVG viewBox. A drag
 * swallows the click that ends it, so that panning from a node does not select it.
 */
export function enablePanZoom(svg: SVGSVGElement): PanZoom {
  let view: Bounds = { x: 0, y: 0, width: 1, height: 1 };
  let fitted = view;
  let drag: { pointerId: number; lastX: number; lastY: number; travelled: number } | undefined;
  let swallowClick = false;

  const apply = (next: Bounds): void => {
    view = next;
    svg.setAttribute('viewBox', `${next.x} ${next.y} ${next.width} ${next.height}`);
  };
  const toGraph = (clientX: number, clientY: number): DOMPoint | undefined => {
    const matrix = svg.getScreenCTM();
    return matrix ? new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse()) : undefined;
  };

  svg.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const anchor = toGraph(event.clientX, event.clientY);
      if (!anchor) return;
      const requested = 2 ** (event.deltaY / WHEEL_PIXELS_PER_DOUBLING);
      const width = clamp(view.width * requested, fitted.width / MAX_ZOOM_IN, fitted.width * MAX_ZOOM_OUT);
      const factor = width / view.width;
      apply({
        x: anchor.x - (anchor.x - view.x) * factor,
        y: anchor.y - (anchor.y - view.y) * factor,
        width,
        height: view.height * factor,
      });
    },
    { passive: false },
  );

  svg.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    drag = { pointerId: event.pointerId, lastX: event.clientX, lastY: event.clientY, travelled: 0 };
    swallowClick = false;
  });
  svg.addEventListener('pointermove', (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const scale = svg.getScreenCTM()?.a ?? 1;
    const dx = event.clientX - drag.lastX;
    const dy = event.clientY - drag.lastY;
    drag.travelled += Math.abs(dx) + Math.abs(dy);
    drag.lastX = event.clientX;
    drag.lastY = event.clientY;
    if (drag.travelled < DRAG_THRESHOLD) return;
    if (!svg.hasPointerCapture(event.pointerId)) svg.setPointerCapture(event.pointerId);
    svg.classList.add('panning');
    apply({ ...view, x: view.x - dx / scale, y: view.y - dy / scale });
  });
  const endDrag = (event: PointerEvent): void => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    swallowClick = drag.travelled >= DRAG_THRESHOLD;
    drag = undefined;
    svg.classList.remove('panning');
  };
  svg.addEventListener('pointerup', endDrag);
  svg.addEventListener('pointercancel', endDrag);
  svg.addEventListener(
    'click',
    (event) => {
      if (swallowClick) event.stopPropagation();
      swallowClick = false;
    },
    { capture: true },
  );

  return {
    fit(bounds) {
      fitted = {
        x: bounds.x - FIT_MARGIN,
        y: bounds.y - FIT_MARGIN,
        width: bounds.width + 2 * FIT_MARGIN,
        height: bounds.height + 2 * FIT_MARGIN,
      };
      apply(fitted);
    },
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
