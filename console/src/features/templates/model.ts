// Pure helpers of the Templates pages: the template's limit expressions resolved against its
// parameter values (the grammar of platform/coe/templates/expressions.py), semantic-version
// order, and what a role may do to a version in a lifecycle status.
import type { TemplateStatus } from "../../generated/graphql";

/** `${seal_temperature_c} - 5` with the values given; throws on anything outside the grammar. */
export function evaluateLimit(text: string, values: Readonly<Record<string, number>>): number {
  const tokens = tokenize(text);
  let index = 0;
  const peek = () => tokens[index];
  const take = () => {
    const token = tokens[index++];
    if (token === undefined) throw new Error("the expression ends too early");
    return token;
  };
  function expression(): number {
    let value = term();
    for (let token = peek(); token?.op === "+" || token?.op === "-"; token = peek()) {
      take();
      value = token.op === "+" ? value + term() : value - term();
    }
    return value;
  }
  function term(): number {
    let value = factor();
    for (let token = peek(); token?.op === "*" || token?.op === "/"; token = peek()) {
      take();
      const right = factor();
      if (token.op === "/" && right === 0) throw new Error("division by zero");
      value = token.op === "*" ? value * right : value / right;
    }
    return value;
  }
  function factor(): number {
    const token = take();
    if (token.number !== undefined) return token.number;
    if (token.name !== undefined) {
      const value = values[token.name];
      if (value === undefined) throw new Error(`unknown parameter ${token.name}`);
      return value;
    }
    if (token.op === "-") return -factor();
    if (token.op === "(") {
      const value = expression();
      if (take().op !== ")") throw new Error("a '(' is not closed");
      return value;
    }
    throw new Error(`unexpected ${token.op}`);
  }
  if (!tokens.length) throw new Error("empty expression");
  const value = expression();
  if (index !== tokens.length) throw new Error("unexpected text after the expression");
  // The API computes in decimal: 4.1 - 0.2 is 3.9, not 3.8999999999999995.
  return Number(value.toPrecision(12));
}

interface Token {
  readonly number?: number;
  readonly name?: string;
  readonly op?: string;
}

const TOKEN = /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\$\{([a-z][a-z0-9_]*)\}|([-+*/()]))/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length && text.slice(TOKEN.lastIndex).trim() !== "") {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new Error(`unexpected ${JSON.stringify(text.slice(at).trim().slice(0, 20))}`);
    if (match[1] !== undefined) tokens.push({ number: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ name: match[2] });
    else tokens.push({ op: match[3] });
  }
  return tokens;
}

/** A limit as written (number or expression) and its value with the global parameter values. */
export interface ResolvedLimit {
  readonly written: string;
  readonly value: number | null;
  readonly error?: string;
}

export function resolveLimit(
  raw: unknown,
  values: Readonly<Record<string, number>>,
): ResolvedLimit | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === "number") return { written: String(raw), value: raw };
  const written = typeof raw === "string" ? raw : JSON.stringify(raw);
  try {
    return { written, value: evaluateLimit(written, values) };
  } catch (error) {
    return {
      written,
      value: null,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** The numeric global values of a template's parameters (what `${name}` means globally). */
export function numericDefaults(
  parameters: readonly { readonly name: string; readonly default: unknown }[],
): Record<string, number> {
  const values: Record<string, number> = {};
  for (const parameter of parameters) {
    if (typeof parameter.default === "number") values[parameter.name] = parameter.default;
  }
  return values;
}

/** Semantic versions compared by major, minor, patch (then pre-release text). */
export function compareVersions(a: string, b: string): number {
  const parse = (version: string) => {
    const [core = "", pre = ""] = version.split("-", 2);
    return { parts: core.split(".").map((part) => Number(part) || 0), pre };
  };
  const left = parse(a);
  const right = parse(b);
  for (let i = 0; i < 3; i++) {
    const difference = (left.parts[i] ?? 0) - (right.parts[i] ?? 0);
    if (difference) return difference;
  }
  if (left.pre === right.pre) return 0;
  if (!left.pre) return 1;
  if (!right.pre) return -1;
  return left.pre < right.pre ? -1 : 1;
}

/** The version just before `version` among `versions` (any order), if there is one. */
export function predecessor(versions: readonly string[], version: string): string | null {
  const older = versions.filter((other) => compareVersions(other, version) < 0);
  older.sort(compareVersions);
  return older.at(-1) ?? null;
}

export type LifecycleAction =
  "submit" | "approve" | "returnToDraft" | "publish" | "deprecate" | "retire";

/**
 * The lifecycle steps this user may take on a version (platform/coe/templates/mutations.py
 * and service.py): architects submit, publish, deprecate and retire; QA approvers and
 * architects approve (enterprise-wide, never their own version) and return to draft.
 */
export function allowedActions(
  status: TemplateStatus,
  user: {
    readonly subject: string;
    readonly roles: readonly string[];
    readonly sites: readonly string[];
  },
  author: string,
): LifecycleAction[] {
  const architect = user.roles.includes("coe_architect");
  const approver = (architect || user.roles.includes("qa_approver")) && user.sites.length === 0;
  const actions: LifecycleAction[] = [];
  if (status === "DRAFT" && architect) actions.push("submit");
  if (status === "IN_REVIEW" && approver && user.subject !== author) actions.push("approve");
  if (status === "APPROVED" && architect) actions.push("publish");
  if ((status === "IN_REVIEW" || status === "APPROVED") && approver) actions.push("returnToDraft");
  if (status === "PUBLISHED" && architect) actions.push("deprecate");
  if (status === "DEPRECATED" && architect) actions.push("retire");
  return actions;
}

export const statusLabels: Record<TemplateStatus, string> = {
  DRAFT: "Draft",
  IN_REVIEW: "In review",
  APPROVED: "Approved",
  PUBLISHED: "Published",
  DEPRECATED: "Deprecated",
  RETIRED: "Retired",
};

export const statusBadge: Record<TemplateStatus, string> = {
  DRAFT: "badge-muted",
  IN_REVIEW: "badge-info",
  APPROVED: "badge-info",
  PUBLISHED: "badge-ok",
  DEPRECATED: "badge-warn",
  RETIRED: "badge-bad",
};

/** A JSON value for a table cell: strings bare, the rest as JSON; nothing as an em dash. */
export function show(value: unknown): string {
  if (value === undefined || value === null) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
