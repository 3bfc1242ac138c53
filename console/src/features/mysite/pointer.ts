// Where a violation's JSON pointer (RFC 6901, e.g. /spec/set/print_darkness) points in the YAML
// text the user is editing: the node's character range and its 1-based line. A pointer to a key
// that is not in the text (a required field that is missing) falls back to its nearest existing
// parent, so the violation is still shown somewhere sensible.
import { LineCounter, isMap, isNode, isPair, isScalar, isSeq, parseDocument } from "yaml";
import type { Node as YamlNode, Pair } from "yaml";

export interface PointerRange {
  /** Offset of the first character (0-based). */
  readonly from: number;
  /** Offset after the last character. */
  readonly to: number;
  /** 1-based line of `from`. */
  readonly line: number;
  /** Whether the whole pointer was found (false: this is its nearest existing parent). */
  readonly exact: boolean;
}

/** The reference tokens of a JSON pointer, with ~1 → "/" and ~0 → "~" unescaped. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return [];
  const body = pointer.startsWith("/") ? pointer.slice(1) : pointer;
  return body.split("/").map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function keyOf(pair: Pair): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  // Complex keys (a map or sequence as a key) are never pointer tokens.
  return undefined;
}

/** The key's start to the value's end: the whole `name: value` entry. */
function pairRange(pair: Pair): [number, number] | undefined {
  const start = isNode(pair.key) ? pair.key.range?.[0] : undefined;
  const value = isNode(pair.value) ? pair.value.range : undefined;
  const end = value ? value[1] : isNode(pair.key) ? pair.key.range?.[1] : undefined;
  if (start === undefined || end === undefined) return value ? [value[0], value[1]] : undefined;
  return [start, end];
}

function nodeRange(node: YamlNode): [number, number] | undefined {
  const range = node.range;
  return range ? [range[0], range[1]] : undefined;
}

/**
 * The range of `pointer` in `source` (YAML or JSON text), or undefined when the text does not
 * parse to anything with a position (empty text).
 */
export function pointerRange(source: string, pointer: string): PointerRange | undefined {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, keepSourceTokens: true });
  const root = document.contents;
  if (!isNode(root)) return undefined;
  let node: YamlNode = root;
  // The range to show for the node reached so far: for a map entry, its key and value.
  let range = nodeRange(root);
  let exact = true;
  const tokens = pointerTokens(pointer);
  for (const [index, token] of tokens.entries()) {
    let next: { node: YamlNode | null; range: [number, number] | undefined } | undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyOf(item) === token);
      if (pair) {
        const value = isNode(pair.value) ? pair.value : null;
        next = { node: value, range: pairRange(pair) };
      }
    } else if (isSeq(node) && /^(0|[1-9]\d*)$/.test(token)) {
      const item: unknown = node.items[Number(token)];
      if (isNode(item)) next = { node: item, range: nodeRange(item) };
    }
    if (!next) {
      exact = false;
      break;
    }
    range = next.range ?? range;
    if (!next.node) {
      // `key:` with no value: the key is where it is; nothing below it exists.
      exact = index === tokens.length - 1;
      break;
    }
    node = next.node;
  }
  if (!range) return undefined;
  // A block map's range may run into the next line's indentation: trim trailing space.
  let [from, to] = range;
  while (to > from && /\s/.test(source[to - 1] ?? "")) to -= 1;
  if (from > source.length) from = source.length;
  return { from, to: Math.max(from, to), line: lineCounter.linePos(from).line, exact };
}

/**
 * Where the text stops being YAML (the first syntax error the `yaml` package finds), or
 * undefined when it parses: the place to mark a "not valid YAML" violation, whose pointer is the
 * whole document.
 */
export function syntaxErrorRange(source: string): PointerRange | undefined {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter });
  const error = document.errors[0];
  if (!error) return undefined;
  const from = Math.min(error.pos[0], source.length);
  const to = Math.max(from, Math.min(error.pos[1], source.length));
  return { from, to, line: lineCounter.linePos(from).line, exact: true };
}
