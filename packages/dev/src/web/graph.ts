// A target's graph drawn as SVG, laid out by dagre. A node that runs an agent or workflow is drawn as a
// box holding that target's own graph (laid out first, so the outer layout knows the box's size).
import dagre from '@dagrejs/dagre';
import type { GraphData } from '../server/api-types.js';

const SVG = 'http://www.w3.org/2000/svg';
const NODE_HEIGHT = 36;
const CHAR_WIDTH = 8.5;
const PAD = 16;
const TITLE = 26;

const label = (id: string) => (id === '__start__' ? 'start' : id === '__end__' ? 'end' : id);

interface Layout {
  width: number;
  height: number;
  draw(parent: SVGGElement, x: number, y: number, prefix: string[]): void;
}

function svg<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

function layout(graph: GraphData): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 36, marginx: 4, marginy: 4 });
  g.setDefaultEdgeLabel(() => ({}));
  const inner = new Map<string, Layout>();
  for (const node of graph.nodes) {
    const text = label(node.id) + (node.subgraph ? ` (${node.subgraph.kind} ${node.subgraph.name})` : '');
    const textWidth = text.length * CHAR_WIDTH + PAD * 2;
    if (node.subgraph) {
      const nested = layout(node.subgraph.graph);
      inner.set(node.id, nested);
      g.setNode(node.id, {
        width: Math.max(textWidth, nested.width + PAD * 2),
        height: nested.height + TITLE + PAD,
      });
    } else g.setNode(node.id, { width: textWidth, height: NODE_HEIGHT });
  }
  graph.edges.forEach((edge, index) => {
    g.setEdge(edge.source, edge.target, { conditional: edge.conditional }, `e${index}`);
  });
  dagre.layout(g);
  const size = g.graph() as { width?: number; height?: number };
  return {
    width: size.width ?? 0,
    height: size.height ?? 0,
    draw(parent, offsetX, offsetY, prefix) {
      for (const edgeId of g.edges()) {
        const edge = g.edge(edgeId) as { points: { x: number; y: number }[]; conditional: boolean };
        const d = edge.points
          .map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x + offsetX},${p.y + offsetY}`)
          .join(' ');
        parent.append(
          svg('path', {
            d,
            class: `edge${edge.conditional ? ' conditional' : ''}`,
            'marker-end': 'url(#arrow)',
          }),
        );
      }
      for (const node of graph.nodes) {
        const box = g.node(node.id) as { x: number; y: number; width: number; height: number };
        const path = [...prefix, node.id];
        const group = svg('g', {
          class: `node${node.subgraph ? ' cluster' : ''}`,
          'data-node': path.join('/'),
        });
        const left = box.x - box.width / 2 + offsetX;
        const top = box.y - box.height / 2 + offsetY;
        group.append(svg('rect', { x: left, y: top, width: box.width, height: box.height, rx: 6 }));
        const title = svg('text', {
          x: box.x + offsetX,
          y: node.subgraph ? top + 18 : box.y + offsetY + 5,
          'text-anchor': 'middle',
        });
        title.textContent =
          label(node.id) + (node.subgraph ? ` (${node.subgraph.kind} ${node.subgraph.name})` : '');
        const status = svg('title', {});
        status.textContent = label(node.id);
        group.append(status, title);
        parent.append(group);
        const nested = inner.get(node.id);
        if (nested) nested.draw(group, left + (box.width - nested.width) / 2, top + TITLE, path);
      }
    },
  };
}

/**
 * An SVG of the graph, each node a `g.node` with `data-node` set to its path (`analyze/model` for a
 * nested agent's node), so a live run can mark nodes by the paths its events carry.
 */
export function drawGraph(graph: GraphData, name: string): SVGSVGElement {
  const laidOut = layout(graph);
  const root = svg('svg', {
    viewBox: `0 0 ${laidOut.width + 8} ${laidOut.height + 8}`,
    width: laidOut.width + 8,
    role: 'img',
    'aria-label': `Graph of ${name}: ${graph.nodes.length} nodes, ${graph.edges.length} edges (dashed: decided at run time)`,
  });
  const defs = svg('defs', {});
  const marker = svg('marker', {
    id: 'arrow',
    viewBox: '0 0 10 10',
    refX: 10,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto',
  });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow' }));
  defs.append(marker);
  root.append(defs);
  const group = svg('g', {});
  root.append(group);
  laidOut.draw(group, 4, 4, []);
  return root;
}

/** Marks the node at `path` (a node-start/node-end event's path plus its node) as running, done, failed or paused. */
export function markNode(svgRoot: Element, path: string[], state: 'running' | 'done' | 'failed' | 'paused') {
  const node = svgRoot.querySelector(`g.node[data-node="${CSS.escape(path.join('/'))}"]`);
  if (!node) return;
  node.classList.remove('running', 'done', 'failed', 'paused');
  node.classList.add(state);
  const title = node.querySelector(':scope > title');
  if (title) title.textContent = `${path.at(-1)}: ${state}`;
}
