/**
 * Wording templates with named placeholders (rules/wording.yaml), compiled once and rendered per
 * record. The syntax is small on purpose:
 *
 *   {name}            the value; when it has none, the whole line has none (render gives undefined)
 *   {name|text}       the value, or `text` when it has none (`{name|}`: nothing)
 *   [...]             a part kept only when every placeholder in it has a value
 *   [a|b]             the first alternative whose placeholders all have values (one without any
 *                     placeholder always has them); nothing when none has
 *
 * "None" is undefined (or null, which JSON-sourced values may hold), as for `??`: a parser that
 * means "empty or absent" passes undefined for empty. `true` is a switch: it counts as a value and
 * writes nothing (for a fixed phrase in brackets). Other values are written as a template literal
 * would. `{ } [ ]` have no escape, and `|` is special only inside brackets and braces. Faults in a
 * template are thrown when it is compiled.
 */

export type TemplateValue = string | number | true | undefined;

/**
 * A run of text, placeholders and bracketed groups. Parts share one shape (a tag and every field)
 * and each run lists its required names up front: rendering runs per record on the hot path.
 */
interface Run {
  /** Placeholders without a fallback directly in this run: all must have values. */
  required: string[];
  parts: Part[];
}

const TEXT = 0;
const VALUE = 1;
const GROUP = 2;

interface Part {
  tag: typeof TEXT | typeof VALUE | typeof GROUP;
  text: string;
  name: string;
  fallback: string | undefined;
  alternatives: Run[];
}

export interface Template {
  readonly source: string;
  /** Every placeholder name the template uses. */
  readonly names: ReadonlySet<string>;
  render(values: Readonly<Record<string, TemplateValue>>): string | undefined;
}

type Values = Readonly<Record<string, TemplateValue | null>>;

/** Parses `source`; throws on unbalanced brackets or braces and on bad names. */
function parse(source: string, names: Set<string>): Run {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${pos + 1} of ${JSON.stringify(source)}`);
  };
  const part = (tag: Part["tag"], text: string, name = "", fallback?: string, alternatives: Run[] = []): Part => ({ tag, text, name, fallback, alternatives });
  // Reads a run until `]` or `|` (inside a group) or the end (top level).
  const run = (inGroup: boolean): Run => {
    const out: Run = { required: [], parts: [] };
    let text = "";
    const flush = (): void => {
      if (text) out.parts.push(part(TEXT, text));
      text = "";
    };
    while (pos < source.length) {
      const c = source[pos] as string;
      if (c === "{") {
        flush();
        const close = source.indexOf("}", pos);
        if (close === -1) fail("unclosed {");
        const inner = source.slice(pos + 1, close);
        const bar = inner.indexOf("|");
        const name = bar === -1 ? inner : inner.slice(0, bar);
        const fallback = bar === -1 ? undefined : inner.slice(bar + 1);
        if (!/^[a-z][A-Za-z0-9_]*$/.test(name)) fail(`placeholder name ${JSON.stringify(name)} is not a lower-case identifier`);
        if (fallback !== undefined && /[{}[\]|]/.test(fallback)) fail("a fallback cannot hold { } [ ] or |");
        names.add(name);
        if (fallback === undefined) out.required.push(name);
        out.parts.push(part(VALUE, "", name, fallback));
        pos = close + 1;
      } else if (c === "[") {
        flush();
        pos += 1;
        const alternatives = [run(true)];
        while (source[pos] === "|") {
          pos += 1;
          alternatives.push(run(true));
        }
        if (source[pos] !== "]") fail("unclosed [");
        pos += 1;
        out.parts.push(part(GROUP, "", "", undefined, alternatives));
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
    flush();
    return out;
  };
  return run(false);
}

function complete(run: Run, values: Values): boolean {
  const required = run.required;
  for (let i = 0; i < required.length; i += 1) if (values[required[i] as string] == null) return false;
  return true;
}

function write(run: Run, values: Values): string {
  let out = "";
  const parts = run.parts;
  for (let i = 0; i < parts.length; i += 1) {
    const p = parts[i] as Part;
    if (p.tag === TEXT) {
      out += p.text;
    } else if (p.tag === VALUE) {
      const value = values[p.name];
      if (value == null) out += p.fallback ?? "";
      else if (value !== true) out += `${value}`;
    } else {
      for (let a = 0; a < p.alternatives.length; a += 1) {
        const alternative = p.alternatives[a] as Run;
        if (complete(alternative, values)) {
          out += write(alternative, values);
          break;
        }
      }
    }
  }
  return out;
}

export function compileTemplate(source: string): Template {
  const names = new Set<string>();
  const root = parse(source, names);
  return {
    source,
    names,
    render: (values) => (complete(root, values) ? write(root, values) : undefined),
  };
}
