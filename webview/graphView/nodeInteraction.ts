import type { AttributionGraph } from '../../protocol/graph';
import type { DrawnGraph } from './render';
import { tooltipLines } from './tooltipText';

/** What the handlers need from the current drawing; undefined while nothing is drawn. */
export type CurrentDrawing = () => { graph: AttributionGraph; drawn: DrawnGraph } | undefined;

const TOOLTIP_OFFSET = 14;

/**
 * Hover shows a node's tooltip and brings its edges forward; click selects it. Listeners sit on the SVG
 * once and find the node under the pointer, so redrawing needs no rewiring.
 */
export function enableNodeInteraction(
  svg: SVGSVGElement,
  tooltip: HTMLElement,
  current: CurrentDrawing,
  onSelect: (nodeId: string) => void,
): void {
  let highlighted: SVGPathElement[] = [];

  const nodeUnder = (target: EventTarget | null): { element: Element; id: string } | undefined => {
    const element = target instanceof Element ? target.closest('.node') : null;
    const id = element?.getAttribute('data-node-id');
    return element && id ? { element, id } : undefined;
  };
  const clearHighlight = (): void => {
    for (const edge of highlighted) edge.classList.remove('incident');
    highlighted = [];
    svg.classList.remove('focused');
    tooltip.hidden = true;
  };
  const moveTooltip = (event: PointerEvent): void => {
    // Kept inside the window: flipped to the pointer's other side near the right or bottom edge.
    const { width, height } = tooltip.getBoundingClientRect();
    const left =
      event.clientX + TOOLTIP_OFFSET + width > window.innerWidth
        ? event.clientX - TOOLTIP_OFFSET - width
        : event.clientX + TOOLTIP_OFFSET;
    const top =
      event.clientY + TOOLTIP_OFFSET + height > window.innerHeight
        ? event.clientY - TOOLTIP_OFFSET - height
        : event.clientY + TOOLTIP_OFFSET;
    tooltip.style.left = `${Math.max(0, left)}px`;
    tooltip.style.top = `${Math.max(0, top)}px`;
  };

  svg.addEventListener('pointerover', (event) => {
    const hovered = nodeUnder(event.target);
    const drawing = current();
    const node = hovered && drawing?.drawn.nodesById.get(hovered.id);
    if (!hovered || !drawing || !node) return;
    clearHighlight();
    highlighted = drawing.drawn.edgesByNode.get(hovered.id) ?? [];
    for (const edge of highlighted) {
      edge.classList.add('incident');
      // Last child paints on top of the other edges.
      edge.parentNode?.append(edge);
    }
    svg.classList.add('focused');
    const [title, ...details] = tooltipLines(node, drawing.graph);
    const heading = document.createElement('strong');
    heading.textContent = title ?? '';
    tooltip.replaceChildren(
      heading,
      ...details.map((line) => Object.assign(document.createElement('div'), { textContent: line })),
    );
    tooltip.hidden = false;
    moveTooltip(event);
  });
  svg.addEventListener('pointermove', (event) => {
    if (!tooltip.hidden) moveTooltip(event);
  });
  svg.addEventListener('pointerout', (event) => {
    const left = nodeUnder(event.target);
    if (left && nodeUnder(event.relatedTarget)?.element !== left.element) clearHighlight();
  });
  svg.addEventListener('click', (event) => {
    const clicked = nodeUnder(event.target);
    if (!clicked) return;
    svg.querySelector('.node.selected')?.classList.remove('selected');
    clicked.element.classList.add('selected');
    onSelect(clicked.id);
  });
}
