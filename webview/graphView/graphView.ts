import type { AttributionGraph } from '../../protocol/graph';
import type { GraphLayout } from './graphLayout';
import { enableNodeInteraction } from './nodeInteraction';
import { enablePanZoom, type PanZoom } from './panZoom';
import { drawGraph, type DrawnGraph } from './render';
import { svgElement } from './svg';
import { createToolbar, type Toolbar } from './toolbar';

export interface GraphViewEvents {
  select(nodeId: string): void;
  ciThresholdChanged(threshold: number): void;
}

/** A graph to show, with its layout and where both came from. */
export interface Shown {
  graph: AttributionGraph;
  layout: GraphLayout;
  /** The graph file, as the host names it. */
  source: string;
  /** Where the layout came from, e.g. "by ELK in a worker". */
  layoutNote: string;
}

/** Drawn node and edge counts. */
export interface DrawCounts {
  nodes: number;
  edges: number;
}

/** The toolbar and the interactive SVG drawing of one laid-out graph. */
export class GraphView {
  private readonly toolbar: Toolbar;
  private readonly svg: SVGSVGElement;
  private readonly content: SVGGElement;
  private readonly panZoom: PanZoom;
  private current: (Shown & { drawn: DrawnGraph }) | undefined;
  private ciThreshold = 0;

  constructor(toolbarHost: HTMLElement, graphHost: HTMLElement, events: GraphViewEvents) {
    this.svg = svgElement('svg', { class: 'graph-canvas', role: 'group' }, graphHost);
    this.content = svgElement('g', {}, this.svg);
    const tooltip = document.createElement('div');
    tooltip.className = 'node-tooltip';
    tooltip.hidden = true;
    graphHost.append(tooltip);

    this.panZoom = enablePanZoom(this.svg);
    enableNodeInteraction(
      this.svg,
      tooltip,
      () => this.current,
      (nodeId) => events.select(nodeId),
    );
    this.toolbar = createToolbar(toolbarHost, {
      fit: () => this.fit(),
      setCiThreshold: (threshold) => {
        this.ciThreshold = threshold;
        this.redraw();
        events.ciThresholdChanged(threshold);
      },
    });
    this.toolbar.showStatus('Waiting for a graph…');
  }

  /** Draws a laid-out graph and fits it into the view. */
  show(shown: Shown, ciThreshold: number): DrawCounts {
    this.ciThreshold = ciThreshold;
    this.toolbar.showThreshold(ciThreshold);
    this.svg.setAttribute('aria-label', `Attribution graph of ${JSON.stringify(shown.graph.prompt)}`);
    this.toolbar.showStatus('');
    const drawn = this.draw(shown);
    this.fit();
    return { nodes: drawn.nodeCount, edges: drawn.edgeCount };
  }

  showStatus(text: string, isError = false): void {
    this.toolbar.showStatus(text, isError);
  }

  private fit(): void {
    if (this.current) this.panZoom.fit(this.current.drawn.bounds);
  }

  /** A new threshold reuses the current layout: no ELK run, and the frame stays where it is. */
  private redraw(): void {
    if (this.current) this.draw(this.current);
  }

  private draw(shown: Shown): DrawnGraph {
    const drawn = drawGraph(this.content, shown.graph, shown.layout, this.ciThreshold);
    this.current = { ...shown, drawn };
    const { graph, layout, source, layoutNote } = shown;
    const components = graph.nodes.filter((node) => node.kind === 'component').length;
    const shownComponents = [...drawn.nodesById.values()].filter((node) => node.kind === 'component').length;
    this.toolbar.showStats(
      `${drawn.nodeCount} nodes · ${drawn.edgeCount} edges · ${layout.layoutMs} ms`,
      [
        source,
        `${shownComponents} of ${components} components have CI ≥ ${this.ciThreshold}`,
        `layout ${layoutNote}`,
      ].join('\n'),
    );
    return drawn;
  }
}
