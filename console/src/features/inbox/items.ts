// What waits for this user's signature, composed from the API's answers: template versions in
// review, proposed overlay revisions, rollout gates waiting for an approval, and transfer sides
// waiting for QA. Only what this user may sign is kept — the rules of platform/coe (the API
// still refuses the rest): the approver roles, the sites a site-scoped role covers, and
// separation of duties (nobody signs what they authored, proposed or started).
import type { InboxWaitingQuery } from "../../generated/graphql";

export type Waiting = InboxWaitingQuery;
type OverlayRow = Waiting["overlays"][number];
type TemplateVersionRow = Waiting["templates"]["nodes"][number]["versions"][number];
type RolloutRow = Waiting["rollouts"]["nodes"][number];
type TransferRow = Waiting["transfers"]["nodes"][number];

export interface Signer {
  readonly subject: string;
  readonly roles: readonly string[];
  /** Sites a site-scoped role is limited to; empty: every site. */
  readonly sites: readonly string[];
}

interface ItemBase {
  /** Unique in the inbox, e.g. "overlay:penang/dispensing-weighing#3". */
  readonly key: string;
  /** What is signed, in words. */
  readonly what: string;
  /** Sites concerned; empty for enterprise-wide content (a template). */
  readonly sites: readonly string[];
  /** Waiting since (ISO 8601). */
  readonly since: string;
  /** Who asked (author, proposer, starter). */
  readonly by: string;
  /** As `signatures(entityType, entityId)` knows the signed record. */
  readonly entityType: string;
  readonly entityId: string;
  readonly meaning: string;
  readonly contentSha256: string | null;
}

export interface TemplateItem extends ItemBase {
  readonly kind: "template";
  readonly version: TemplateVersionRow;
  /** The newest published (or deprecated) version older than this one, to diff against. */
  readonly predecessor: string | null;
}

export interface OverlayItem extends ItemBase {
  readonly kind: "overlay";
  readonly revision: OverlayRow;
  /** The revision in effect now at that site for that template, if any. */
  readonly current: OverlayRow | null;
}

export interface GateItem extends ItemBase {
  readonly kind: "gate";
  readonly rollout: RolloutRow;
  readonly wave: string;
  readonly role: string;
}

export interface TransferItem extends ItemBase {
  readonly kind: "transfer";
  readonly transfer: TransferRow;
  readonly side: "source" | "target";
}

export type InboxItem = TemplateItem | OverlayItem | GateItem | TransferItem;

export const kindLabels: Record<InboxItem["kind"], string> = {
  template: "Template version",
  overlay: "Overlay revision",
  gate: "Rollout gate",
  transfer: "Transfer approval",
};

const QA = "qa_approver";
const ARCHITECT = "coe_architect";
/** Roles that approve templates and overlays (platform/coe/{templates,overlays}/service.py). */
const APPROVERS = [QA, ARCHITECT];

/** Whether `role` of `signer` covers `site` (platform/coe/auth/principal.py role_covers_site). */
export function covers(signer: Signer, role: string, site: string): boolean {
  if (!signer.roles.includes(role)) return false;
  if (role === QA) return signer.sites.length === 0 || signer.sites.includes(site);
  if (role === "site_admin" || role === "plant") return signer.sites.includes(site);
  return true;
}

/** Held for the whole enterprise (a template is approved only so). */
function everywhere(signer: Signer, role: string): boolean {
  if (!signer.roles.includes(role)) return false;
  return role !== QA || signer.sites.length === 0;
}

/** "approval by qa_approver (approved)" — RolloutWave.gates as the API describes them. */
export function parseApprovalGate(gate: string): { role: string; meaning: string } | null {
  const match = /^approval by (\S+) \((.+)\)$/.exec(gate.trim());
  return match ? { role: match[1], meaning: match[2] } : null;
}

/** Compare semantic versions "1.2.10" > "1.2.9" (numeric parts; pre-release ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split(/[.+-]/)
      .slice(0, 3)
      .map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

function signerOf(approval: unknown): string | null {
  if (typeof approval !== "object" || approval === null) return null;
  const record = approval as Record<string, unknown>;
  const who = record.signer ?? record.signer_id ?? record.signerId;
  return typeof who === "string" ? who : null;
}

function templateItems(data: Waiting, signer: Signer): TemplateItem[] {
  if (!APPROVERS.some((role) => everywhere(signer, role))) return [];
  return data.templates.nodes.flatMap((template) =>
    template.versions
      .filter((version) => version.status === "IN_REVIEW" && version.author !== signer.subject)
      .map((version): TemplateItem => {
        const predecessor =
          template.versions
            .filter(
              (other) =>
                (other.status === "PUBLISHED" || other.status === "DEPRECATED") &&
                compareVersions(other.version, version.version) < 0,
            )
            .sort((a, b) => compareVersions(b.version, a.version))[0]?.version ?? null;
        return {
          kind: "template",
          key: `template:${version.key}@${version.version}`,
          what: `Template ${version.key} ${version.version} — ${version.title}`,
          sites: [],
          since: version.updatedAt,
          by: version.author,
          entityType: "template_version",
          entityId: `${version.key}@${version.version}`,
          meaning: "approved",
          contentSha256: version.contentSha256,
          version,
          predecessor,
        };
      }),
  );
}

function overlayItems(data: Waiting, signer: Signer): OverlayItem[] {
  return data.overlays
    .filter(
      (revision) =>
        revision.status === "PROPOSED" &&
        revision.proposedBy !== signer.subject &&
        APPROVERS.some((role) => covers(signer, role, revision.site)),
    )
    .map((revision): OverlayItem => {
      const current =
        data.overlays.find(
          (other) =>
            other.site === revision.site &&
            other.template === revision.template &&
            other.status === "APPROVED",
        ) ?? null;
      const id = `${revision.site}/${revision.template}#${revision.version}`;
      return {
        kind: "overlay",
        key: `overlay:${id}`,
        what: `Overlay ${revision.template} revision ${revision.version} for ${revision.site}`,
        sites: [revision.site],
        since: revision.createdAt,
        by: revision.proposedBy,
        entityType: "overlay",
        entityId: id,
        meaning: "approved",
        contentSha256: revision.contentSha256,
        revision,
        current,
      };
    });
}

function gateItems(data: Waiting, signer: Signer): GateItem[] {
  return data.rollouts.nodes.flatMap((rollout): GateItem[] => {
    if (rollout.status !== "awaiting_approval" || !rollout.currentWave) return [];
    if (rollout.startedBy === signer.subject) return [];
    const wave = rollout.waves.find((w) => w.name === rollout.currentWave);
    if (!wave) return [];
    const gate = wave.gates.map(parseApprovalGate).find((g) => g !== null);
    if (!gate) return [];
    const sites = wave.sites.map((s) => s.site);
    if (!sites.every((site) => covers(signer, gate.role, site))) return [];
    if (sites.length === 0 && !signer.roles.includes(gate.role)) return [];
    return [
      {
        kind: "gate",
        key: `gate:${rollout.id}/${wave.name}`,
        what: `Rollout ${rollout.template} ${rollout.version}: wave ${wave.name}`,
        sites,
        since: rollout.updatedAt,
        by: rollout.startedBy,
        entityType: "rollout_gate",
        entityId: `${rollout.id}/${wave.name}`,
        meaning: gate.meaning,
        // The workflow signs its own record of the approval (hashed when it keeps it): the
        // dialog shows the version's sha256 among the details instead.
        contentSha256: null,
        rollout,
        wave: wave.name,
        role: gate.role,
      },
    ];
  });
}

function transferItems(data: Waiting, signer: Signer): TransferItem[] {
  return data.transfers.nodes.flatMap((transfer): TransferItem[] => {
    if (transfer.status !== "awaiting_approval" || transfer.startedBy === signer.subject) return [];
    const approvals = (transfer.approvals ?? {}) as Record<string, unknown>;
    const signers = (["source", "target"] as const).map((side) => signerOf(approvals[side]));
    return (["source", "target"] as const).flatMap((side, index): TransferItem[] => {
      const site = side === "source" ? transfer.source : transfer.target;
      if (signers[index] !== null) return []; // this side is signed
      if (signers.includes(signer.subject)) return []; // two different people sign
      if (!covers(signer, QA, site)) return [];
      return [
        {
          kind: "transfer",
          key: `transfer:${transfer.id}/${side}`,
          what: `Transfer ${transfer.template} ${transfer.version} ${transfer.source} → ${transfer.target}: ${side} side`,
          sites: [site],
          since: transfer.updatedAt,
          by: transfer.startedBy,
          entityType: "transfer",
          entityId: `${transfer.id}/${side}`,
          meaning: "approved",
          contentSha256: null,
          transfer,
          side,
        },
      ];
    });
  });
}

/** Everything waiting for `signer`, oldest first (what waits longest comes first). */
export function inboxItems(data: Waiting, signer: Signer): InboxItem[] {
  return [
    ...templateItems(data, signer),
    ...overlayItems(data, signer),
    ...gateItems(data, signer),
    ...transferItems(data, signer),
  ].sort((a, b) => a.since.localeCompare(b.since) || a.key.localeCompare(b.key));
}

/** Pretty JSON with sorted keys, so a diff shows only what changed. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) ?? "";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
