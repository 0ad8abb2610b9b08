/**
 * Building the page: every value from the case goes in as text (createTextNode, textContent) or as
 * a non-executable attribute; no markup is ever built from data.
 */

export type Child = Node | string | number | null | undefined | false;

const SVG_NS = "http://www.w3.org/2000/svg";

/** Appends children, strings and numbers as text nodes; null, undefined and false are skipped. */
export function add(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
}

export function el(tag: string, className?: string, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  add(node, ...children);
  return node;
}

export function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

export function button(label: string, onClick: () => void, className = "btn"): HTMLButtonElement {
  const node = el("button", className, label) as HTMLButtonElement;
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

/** A labelled drop-down whose first choice ("all") is the empty value. */
export function select(label: string, values: string[], onChange: (value: string) => void, allLabel = "all"): HTMLElement {
  const wrap = el("label", "field", el("span", undefined, label));
  const box = document.createElement("select");
  const all = document.createElement("option");
  all.value = "";
  all.textContent = allLabel;
  box.appendChild(all);
  for (const value of values) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = value;
    box.appendChild(option);
  }
  box.addEventListener("change", () => onChange(box.value));
  wrap.appendChild(box);
  return wrap;
}
