// A preview of the effective definition an overlay would give, computed in the browser from what
// runs now, the template version and the overlay being edited: parameter values (the overlay's
// `spec.set`, renames of the template's migrations applied), data-collection limits that are
// expressions of parameters, and the site's extension steps at their extension points. The
// platform computes the exact definition (and its hash) when the revision is approved.
import { stringify } from "yaml";

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(value: Json): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function object(value: Json): JsonObject {
  return isObject(value) ? value : {};
}

/** Evaluate `${a} + 2 * (${b} - 1)`: parameters, numbers, + - * / and parentheses only. */
export function evaluate(expression: string, values: Readonly<Record<string, Json>>): number | undefined {
  const tokens = expression.match(/\$\{[A-Za-z0-9_]+\}|\d+(?:\.\d+)?|[-+*/()]|\S/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  function primary(): number | undefined {
    const token = tokens[at++];
    if (token === undefined) return undefined;
    if (token === "(") {
      const inner = sum();
      return tokens[at++] === ")" ? inner : undefined;
    }
    if (token === "-") {
      const inner = primary();
      return inner === undefined ? undefined : -inner;
    }
    if (/^\d/.test(token)) return Number(token);
    const name = /^\$\{(.+)\}$/.exec(token)?.[1];
    const value = name === undefined ? undefined : values[name];
    return typeof value === "number" ? value : undefined;
  }
  function product(): number | undefined {
    let left = primary();
    while (left !== undefined && (peek() === "*" || peek() === "/")) {
      const op = tokens[at++];
      const right = primary();
      if (right === undefined) return undefined;
      left = op === "*" ? left * right : left / right;
    }
    return left;
  }
  function sum(): number | undefined {
    let left = product();
    while (left !== undefined && (peek() === "+" || peek() === "-")) {
      const op = tokens[at++];
      const right = product();
      if (right === undefined) return undefined;
      left = op === "+" ? left + right : left - right;
    }
    return left;
  }
  const result = sum();
  if (result === undefined || at !== tokens.length || !Number.isFinite(result)) return undefined;
  return Math.round(result * 1e9) / 1e9;
}

/**
 * The effective definition `overlay` (a parsed SiteOverlay) would give over `template` (the
 * ProcessTemplate document of the version that runs), starting from `current` (the effective
 * definition that runs now).
 */
export function previewDefinition(current: Json, template: Json, overlay: Json): JsonObject {
  const preview = structuredClone(object(current));
  const spec = object(object(template).spec);
  const overlaySpec = object(object(overlay).spec);
  const metadata = object(object(overlay).metadata);
  const renamed = object(object(spec.migrations).renamedParameters);
  const set: JsonObject = {};
  for (const [name, value] of Object.entries(object(overlaySpec.set))) {
    const target = renamed[name];
    set[typeof target === "string" ? target : name] = value;
  }

  const parameters: JsonObject = {};
  const values: Record<string, Json> = {};
  for (const [name, raw] of Object.entries(object(spec.parameters))) {
    const definition = object(raw);
    const fromSite = name in set;
    const value = fromSite ? set[name] : definition.default;
    values[name] = value;
    const entry: JsonObject = { source: fromSite ? "site" : "template" };
    if (typeof definition.unit === "string") entry.unit = definition.unit;
    entry.value = value;
    parameters[name] = entry;
  }
  preview.parameters = parameters;

  const templateOps = new Map<string, JsonObject>();
  for (const raw of Array.isArray(spec.operations) ? spec.operations : []) {
    const op = object(raw);
    if (typeof op.id === "string") templateOps.set(op.id, op);
  }
  const afterOf = new Map<string, string[]>(); // template op id → extension point ids after it
  for (const raw of Array.isArray(spec.extensionPoints) ? spec.extensionPoints : []) {
    const point = object(raw);
    if (typeof point.id !== "string" || typeof point.after !== "string") continue;
    afterOf.set(point.after, [...(afterOf.get(point.after) ?? []), point.id]);
  }
  const extend = object(overlaySpec.extend);
  const operations: Json[] = [];
  const currentOps = Array.isArray(preview.operations) ? preview.operations : [];
  for (const raw of currentOps) {
    const op = object(raw);
    if (op.origin === "site") continue; // the overlay's steps are placed again below
    const source = typeof op.id === "string" ? templateOps.get(op.id) : undefined;
    if (source && Array.isArray(op.dataCollection) && Array.isArray(source.dataCollection)) {
      op.dataCollection = op.dataCollection.map((rawItem, index) => {
        const item = object(rawItem);
        const from = object((source.dataCollection as Json[])[index]);
        for (const field of ["target", "lowerLimit", "upperLimit"]) {
          const expression = from[field];
          if (typeof expression !== "string") continue;
          const value = evaluate(expression, values);
          if (value !== undefined) item[field] = value;
        }
        return item;
      });
    }
    operations.push(op);
    for (const point of typeof op.id === "string" ? (afterOf.get(op.id) ?? []) : []) {
      const steps = extend[point];
      for (const step of Array.isArray(steps) ? steps : []) {
        operations.push({ ...object(step), extensionPoint: point, origin: "site" });
      }
    }
  }
  preview.operations = operations;
  preview.overlay = {
    templateVersions: metadata.templateVersions,
    version: metadata.version,
  };
  return preview;
}

/** A definition as YAML with sorted keys, so that two of them diff line by line. */
export function definitionText(definition: Json): string {
  const copy = structuredClone(object(definition));
  const overlay = object(copy.overlay);
  delete overlay.sha256; // the preview has no hash: compare what the site would run
  if (isObject(copy.overlay)) copy.overlay = overlay;
  return stringify(copy, { sortMapEntries: true, lineWidth: 0 });
}
