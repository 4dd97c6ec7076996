const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with presentation attributes (allowed under the webview's style policy). */
export function svgElement<Tag extends keyof SVGElementTagNameMap>(
  tag: Tag,
  attributes: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[Tag] {
  const element = document.createElementNS(SVG_NAMESPACE, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  parent?.append(element);
  return element;
}
