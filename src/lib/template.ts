/**
 * Wording templates with named placeholders (rules/wording.yaml), compiled once and rendered per
 * record. The syntax is small on purpose:
 *
 *   {name}            the value; when it has none, the whole line has none (render gives undefined)
 *   {name|text}       the value, or `text` when it has none (`{name|}`: nothing)
 *   [ ... ]           a part kept only when every placeholder in it has a value
 *   [ a | b ]         the first alternative whose placeholders all have values (one without any
 *                     placeholder always has them); nothing when none has
 *
 * "None" is undefined (or null, which JSON-sourced values may hold), as for `??`: a parser that
 * means "empty or absent" passes undefined for empty. `true` is a switch: it counts as a value and
 * writes nothing (for a fixed phrase in brackets). Other values are written as a template literal
 * would. `{ } [ ]` have no escape, and `|` is special only inside brackets and braces. Faults in a
 * template are thrown when it is compiled.
 */

export type TemplateValue = string | number | true | undefined;

type Node = string | { name: string; fallback: string | undefined } | { alternatives: Node[][] };

export interface Template {
  readonly source: string;
  /** Every placeholder name the template uses. */
  readonly names: ReadonlySet<string>;
  render(values: Readonly<Record<string, TemplateValue>>): string | undefined;
}

/** Parses `source` into nodes; throws on unbalanced brackets or braces and on bad names. */
function parse(source: string, names: Set<string>): Node[] {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${pos + 1} of ${JSON.stringify(source)}`);
  };
  // Reads nodes until `]` or `|` (inside a group) or the end (top level).
  const sequence = (inGroup: boolean): Node[] => {
    const nodes: Node[] = [];
    let text = "";
    while (pos < source.length) {
      const c = source[pos] as string;
      if (c === "{") {
        if (text) nodes.push(text);
        text = "";
        const close = source.indexOf("}", pos);
        if (close === -1) fail("unclosed {");
        const inner = source.slice(pos + 1, close);
        const bar = inner.indexOf("|");
        const name = bar === -1 ? inner : inner.slice(0, bar);
        const fallback = bar === -1 ? undefined : inner.slice(bar + 1);
        if (!/^[a-z][A-Za-z0-9_]*$/.test(name)) fail(`placeholder name ${JSON.stringify(name)} is not a lower-case identifier`);
        if (fallback !== undefined && /[{}[\]|]/.test(fallback)) fail("a fallback cannot hold { } [ ] or |");
        names.add(name);
        nodes.push({ name, fallback });
        pos = close + 1;
      } else if (c === "[") {
        if (text) nodes.push(text);
        text = "";
        pos += 1;
        const alternatives: Node[][] = [sequence(true)];
        while (source[pos] === "|") {
          pos += 1;
          alternatives.push(sequence(true));
        }
        if (source[pos] !== "]") fail("unclosed [");
        pos += 1;
        nodes.push({ alternatives });
      } else if (c === "}") {
        fail("stray }");
      } else if (inGroup && (c === "]" || c === "|")) {
        break;
      } else if (c === "]") {
        fail("stray ]");
      } else {
        text += c;
        pos += 1;
      }
    }
    if (text) nodes.push(text);
    return nodes;
  };
  return sequence(false);
}

function hasValue(value: TemplateValue | null): boolean {
  return value !== undefined && value !== null;
}

/** Whether every placeholder without a fallback in `nodes` (nested groups excepted) has a value. */
function complete(nodes: readonly Node[], values: Readonly<Record<string, TemplateValue>>): boolean {
  for (const node of nodes) {
    if (typeof node === "string" || "alternatives" in node) continue;
    if (node.fallback === undefined && !hasValue(values[node.name])) return false;
  }
  return true;
}

function write(nodes: readonly Node[], values: Readonly<Record<string, TemplateValue>>): string {
  let out = "";
  for (const node of nodes) {
    if (typeof node === "string") {
      out += node;
    } else if ("alternatives" in node) {
      const chosen = node.alternatives.find((alternative) => complete(alternative, values));
      if (chosen) out += write(chosen, values);
    } else {
      const value = values[node.name];
      if (hasValue(value)) out += value === true ? "" : `${value}`;
      else out += node.fallback ?? "";
    }
  }
  return out;
}

export function compileTemplate(source: string): Template {
  const names = new Set<string>();
  const nodes = parse(source, names);
  return {
    source,
    names,
    render: (values) => (complete(nodes, values) ? write(nodes, values) : undefined),
  };
}
