export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Date (isoformat) */
  Date: { input: string; output: string; }
  /** Date with time (isoformat) */
  DateTime: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf). */
  JSON: { input: unknown; output: unknown; }
  UUID: { input: string; output: string; }
};

/** An area of a site, e.g. Packaging or Assembly. */
export type Area = {
  readonly __typename?: 'Area';
  /** Key, unique within the site. */
  readonly key: Scalars['String']['output'];
  /** Display name. */
  readonly name: Scalars['String']['output'];
  /** The work centers (lines) of this area. */
  readonly workCenters: ReadonlyArray<WorkCenter>;
};

/** The area, or why it was not added. */
export type AreaResult = Area | BadInput | Conflict | NotFound | SignatureRejected | ValidationFailed;

/** The result of verifying the whole audit chain. */
export type AuditChainReport = {
  readonly __typename?: 'AuditChainReport';
  /** Seq of the latest anchor (kept outside the database) that the chain was checked against; null before the monitor recorded one. */
  readonly anchoredSeq?: Maybe<Scalars['Int']['output']>;
  /** Every problem found. */
  readonly findings: ReadonlyArray<AuditFinding>;
  /** Last record's hash (to anchor). */
  readonly headHash?: Maybe<Scalars['String']['output']>;
  /** Last record's seq (to anchor). */
  readonly headSeq?: Maybe<Scalars['Int']['output']>;
  /** True when no tampering was found. */
  readonly intact: Scalars['Boolean']['output'];
  /** Records verified. */
  readonly records: Scalars['Int']['output'];
};

/** Narrow the audit trail; every given field must match. */
export type AuditFilter = {
  /** User id of the actor. */
  readonly actor?: InputMaybe<Scalars['String']['input']>;
  /** Id of the record. */
  readonly entityId?: InputMaybe<Scalars['String']['input']>;
  /** Kind of record. */
  readonly entityType?: InputMaybe<Scalars['String']['input']>;
  /** At or after (UTC). */
  readonly since?: InputMaybe<Scalars['DateTime']['input']>;
  /** Site key. */
  readonly site?: InputMaybe<Scalars['String']['input']>;
  /** Before (UTC). */
  readonly until?: InputMaybe<Scalars['DateTime']['input']>;
};

/** One sign of tampering found in the audit chain. */
export type AuditFinding = {
  readonly __typename?: 'AuditFinding';
  /** What was found. */
  readonly detail: Scalars['String']['output'];
  /** edited, deleted, inserted or reordered. */
  readonly kind: Scalars['String']['output'];
  /** The record concerned. */
  readonly seq: Scalars['Int']['output'];
};

/** One change: who, what, when, why. */
export type AuditRecord = {
  readonly __typename?: 'AuditRecord';
  /** What, e.g. `site.updated`. */
  readonly action: Scalars['String']['output'];
  /** Who: user id, or `system`. */
  readonly actor: Scalars['String']['output'];
  /** Values after the change. */
  readonly after?: Maybe<Scalars['JSON']['output']>;
  /** Values before the change. */
  readonly before?: Maybe<Scalars['JSON']['output']>;
  /** Id of the record changed. */
  readonly entityId: Scalars['String']['output'];
  /** Kind of record changed. */
  readonly entityType: Scalars['String']['output'];
  /** This record's chain hash. */
  readonly hash: Scalars['String']['output'];
  /** When (UTC). */
  readonly occurredAt: Scalars['DateTime']['output'];
  /** Hash of the previous record. */
  readonly prevHash: Scalars['String']['output'];
  /** Why, as the actor stated it. */
  readonly reason?: Maybe<Scalars['String']['output']>;
  /** Request that made the change. */
  readonly requestId?: Maybe<Scalars['String']['output']>;
  /** Position in the chain. */
  readonly seq: Scalars['Int']['output'];
  /** Linked e-signature, if any. */
  readonly signatureId?: Maybe<Scalars['UUID']['output']>;
  /** Site the record belongs to, if any. */
  readonly site?: Maybe<Scalars['String']['output']>;
};

/** One page of a list. */
export type AuditRecordConnection = {
  readonly __typename?: 'AuditRecordConnection';
  /** The items on this page. */
  readonly nodes: ReadonlyArray<AuditRecord>;
  /** How to fetch the next page. */
  readonly pageInfo: PageInfo;
  /** How many items match, over all pages. */
  readonly totalCount: Scalars['Int']['output'];
};

/** An argument is malformed or missing (e.g. a required reason). */
export type BadInput = Problem & {
  readonly __typename?: 'BadInput';
  /** Stable code. */
  readonly code: ProblemCode;
  /** Facts a client may show or act on (e.g. `status` of the object, `attempts` and `lockedUntil` of a signing lock); absent when there are none. */
  readonly details?: Maybe<Scalars['JSON']['output']>;
  /** What went wrong and where, in plain words. */
  readonly message: Scalars['String']['output'];
};

/** The concluded (approved, frozen) record, or every reason it was not. */
export type ConcludeValidationResult = BadInput | Conflict | NotFound | SignatureRejected | ValidationFailed | ValidationRecord;

/** The object is not in a state that allows this (e.g. already approved, or a rollout that has finished); `message` names its state. */
export type Conflict = Problem & {
  readonly __typename?: 'Conflict';
  /** Stable code. */
  readonly code: ProblemCode;
  /** Facts a client may show or act on (e.g. `status` of the object, `attempts` and `lockedUntil` of a signing lock); absent when there are none. */
  readonly details?: Maybe<Scalars['JSON']['output']>;
  /** What went wrong and where, in plain words. */
  readonly message: Scalars['String']['output'];
};

/** One value that differs. */
export type DefinitionChange = {
  readonly __typename?: 'DefinitionChange';
  /** At the target, as proposed. */
  readonly after?: Maybe<Scalars['JSON']['output']>;
  /** At the source. */
  readonly before?: Maybe<Scalars['JSON']['output']>;
  /** JSON pointer into the effective definition. */
  readonly path: Scalars['String']['output'];
};

/** A plant running what the ledger does not expect. */
export type Drift = {
  readonly __typename?: 'Drift';
  /** The difference in words. */
  readonly detail: Scalars['String']['output'];
  /** What the ledger says runs. */
  readonly expectedSha256?: Maybe<Scalars['String']['output']>;
  /** First observed (UTC). */
  readonly firstSeen: Scalars['DateTime']['output'];
  /** Last observed (UTC). */
  readonly lastSeen: Scalars['DateTime']['output'];
  /** What the plant reports. */
  readonly reportedSha256?: Maybe<Scalars['String']['output']>;
  /** Site key. */
  readonly site: Scalars['String']['output'];
  /** Template key. */
  readonly template: Scalars['String']['output'];
};

/** Template version ⊕ site overlay: exactly what a plant runs. */
export type EffectiveDefinition = {
  readonly __typename?: 'EffectiveDefinition';
  /** The exact bytes that are hashed. */
  readonly canonicalJson: Scalars['String']['output'];
  /** The effective definition document. */
  readonly definition: Scalars['JSON']['output'];
  /** Renames applied to the overlay. */
  readonly migrations: ReadonlyArray<Scalars['String']['output']>;
  /** The overlay applied, if any. */
  readonly overlayVersion?: Maybe<Scalars['Int']['output']>;
  /** sha256 of the canonical JSON (what plants report back). */
  readonly sha256: Scalars['String']['output'];
  /** Site key. */
  readonly site: Scalars['String']['output'];
  /** Template key. */
  readonly template: Scalars['String']['output'];
  /** Template version. */
  readonly version: Scalars['String']['output'];
};

/** The enterprise: the root of the equipment hierarchy. */
export type Enterprise = {
  readonly __typename?: 'Enterprise';
  /** The environments template versions are promoted through, in order; production is the last. A site has a plant instance in some of them. */
  readonly environments: ReadonlyArray<Scalars['String']['output']>;
  /** Enterprise key. */
  readonly key: Scalars['String']['output'];
  /** Display name. */
  readonly name: Scalars['String']['output'];
};

/** The enterprise, or why it was not saved. */
export type EnterpriseResult = BadInput | Conflict | Enterprise | NotFound | SignatureRejected | ValidationFailed;

/** An equipment class an operation needs. */
export type EquipmentNeed = {
  readonly __typename?: 'EquipmentNeed';
  /** Equipment class it needs. */
  readonly equipmentClass: Scalars['String']['output'];
  /** Operation id. */
  readonly operation: Scalars['String']['output'];
  /** Where the target has it (work centers, work units); empty = missing. */
  readonly where: ReadonlyArray<Scalars['String']['output']>;
};

/** What a new version means for a site. */
export type ImpactStatus =
  | 'COMPATIBLE'
  | 'NEEDS_OVERLAY_CHANGE'
  | 'NOT_USING';

/** What to group a KPI by. */
export type KpiDimension =
  | 'PERIOD'
  | 'PRODUCT'
  | 'REGION'
  | 'SITE'
  | 'TEMPLATE'
  | 'VERSION';

/** Narrow a KPI; every given field must match. */
export type KpiFilter = {
  /** Product / SKU. */
  readonly product?: InputMaybe<Scalars['String']['input']>;
  /** Regions. */
  readonly regions?: InputMaybe<ReadonlyArray<Scalars['String']['input']>>;
  /** Site keys. */
  readonly sites?: InputMaybe<ReadonlyArray<Scalars['String']['input']>>;
  /** Template key. */
  readonly template?: InputMaybe<Scalars['String']['input']>;
  /** Template version. */
  readonly version?: InputMaybe<Scalars['String']['input']>;
};

/** The group a KPI row is for (only the grouped-by fields are set). */
export type KpiGroup = {
  readonly __typename?: 'KpiGroup';
  /** First day of the period. */
  readonly period?: Maybe<Scalars['Date']['output']>;
  /** Product. */
  readonly product?: Maybe<Scalars['String']['output']>;
  /** Region. */
  readonly region?: Maybe<Scalars['String']['output']>;
  /** Site key. */
  readonly site?: Maybe<Scalars['String']['output']>;
  /** Template key. */
  readonly template?: Maybe<Scalars['String']['output']>;
  /** Template version. */
  readonly version?: Maybe<Scalars['String']['output']>;
};

/** What a kpiGuard needs to decide at its maxDrop, estimated from its wave's sites' recent volume and baseline (see docs/formats/rollout-plan-kpi-guard.md). */
export type KpiGuardEstimate = {
  readonly __typename?: 'KpiGuardEstimate';
  /** The metric over the recent days (none: no units). */
  readonly baseline?: Maybe<Scalars['Float']['output']>;
  /** Days to make them at the recent rate (none: no recent units). */
  readonly daysNeeded?: Maybe<Scalars['Float']['output']>;
  /** True when the window is long enough. */
  readonly enough: Scalars['Boolean']['output'];
  /** The worsening allowed (a fraction). */
  readonly maxDrop: Scalars['Float']['output'];
  /** right_first_time, scrap_ratio or rework_ratio. */
  readonly metric: Scalars['String']['output'];
  /** Units per side needed to decide. */
  readonly unitsNeeded: Scalars['Int']['output'];
  /** The wave's sites' units a day over the recent days. */
  readonly unitsPerDay: Scalars['Float']['output'];
  /** Why the window may be too short. */
  readonly warning?: Maybe<Scalars['String']['output']>;
  /** The wave the guard follows. */
  readonly wave: Scalars['String']['output'];
  /** The guard's window, in days. */
  readonly windowDays: Scalars['Float']['output'];
};

/** What a wave's kpiGuard last measured: its sites under the new version (after) against the same sites before, each with its 95 % Wilson interval, and the difference after - before with Newcombe's 95 % interval against the allowance. Ratios and differences are fractions (0.95 is 95 %). */
export type KpiGuardMeasurement = {
  readonly __typename?: 'KpiGuardMeasurement';
  /** The metric after. */
  readonly after?: Maybe<Scalars['Float']['output']>;
  /** Its 95 % interval, high end. */
  readonly afterHigh?: Maybe<Scalars['Float']['output']>;
  /** Of those, units counted by the metric. */
  readonly afterHits: Scalars['Int']['output'];
  /** Its 95 % interval, low end. */
  readonly afterLow?: Maybe<Scalars['Float']['output']>;
  /** Units under the new version. */
  readonly afterUnits: Scalars['Int']['output'];
  /** The metric before. */
  readonly before?: Maybe<Scalars['Float']['output']>;
  /** Its 95 % interval, high end. */
  readonly beforeHigh?: Maybe<Scalars['Float']['output']>;
  /** Of those, units counted by the metric. */
  readonly beforeHits: Scalars['Int']['output'];
  /** Its 95 % interval, low end. */
  readonly beforeLow?: Maybe<Scalars['Float']['output']>;
  /** Units before the deployment. */
  readonly beforeUnits: Scalars['Int']['output'];
  /** after - before. */
  readonly difference?: Maybe<Scalars['Float']['output']>;
  /** Newcombe's 95 % interval of the difference, high end. */
  readonly differenceHigh?: Maybe<Scalars['Float']['output']>;
  /** Newcombe's 95 % interval of the difference, low end. */
  readonly differenceLow?: Maybe<Scalars['Float']['output']>;
  /** The allowed worsening (maxDrop). */
  readonly maxDrop: Scalars['Float']['output'];
  /** When it was measured (UTC). */
  readonly measuredAt: Scalars['DateTime']['output'];
  /** right_first_time, scrap_ratio or rework_ratio. */
  readonly metric: Scalars['String']['output'];
  /** Units after the deployment before deciding. */
  readonly minUnits: Scalars['Int']['output'];
  /** The verdict and the measurement in words. */
  readonly reason: Scalars['String']['output'];
  /** The limit the difference is held against: -maxDrop for right-first-time (lower is worse), +maxDrop for the scrap and rework ratios. */
  readonly threshold: Scalars['Float']['output'];
  /** fail (the whole interval of the difference is beyond maxDrop in the bad direction: the wave is rolled back), pass (the whole interval is on the good side: surely not worse by more than maxDrop), wait (undecided or below minUnits: still measuring) or inconclusive (still undecided when the window ended: the rollout is paused for a person). */
  readonly verdict: Scalars['String']['output'];
};

/** A KPI, as docs/formats/kpis.md defines it. */
export type KpiMetric =
  | 'RELEASE_VELOCITY'
  | 'REWORK_RATIO'
  | 'RIGHT_FIRST_TIME'
  | 'SCRAP_RATIO';

/** Length of a period when grouping by period. */
export type KpiPeriod =
  | 'DAY'
  | 'MONTH'
  | 'WEEK';

/** A KPI over a window, grouped, with the enterprise figure beside. */
export type KpiReport = {
  readonly __typename?: 'KpiReport';
  /** With `warning`: the first day with data the caller can see (none at all: null). */
  readonly dataFrom?: Maybe<Scalars['Date']['output']>;
  /** With `warning`: the last day with data the caller can see. */
  readonly dataTo?: Maybe<Scalars['Date']['output']>;
  /** All the caller's sites together. */
  readonly enterprise: KpiRow;
  /** First day (UTC). */
  readonly from: Scalars['Date']['output'];
  /** Grouped by. */
  readonly groupBy: ReadonlyArray<Scalars['String']['output']>;
  /** The KPI. */
  readonly metric: KpiMetric;
  /** Best first. */
  readonly rows: ReadonlyArray<KpiRow>;
  /** Day after the last (UTC). */
  readonly to: Scalars['Date']['output'];
  /** Set when the window holds no data: says so and names the days that do (for the caller's sites and the same filters). */
  readonly warning?: Maybe<Scalars['String']['output']>;
};

/** One KPI value with the evidence behind it. */
export type KpiRow = {
  readonly __typename?: 'KpiRow';
  /** Release velocity: batches released. */
  readonly count?: Maybe<Scalars['Int']['output']>;
  /** Ratios: units completed. */
  readonly denominator?: Maybe<Scalars['Int']['output']>;
  /** What this row is for. */
  readonly group: KpiGroup;
  /** Upper end of the 95 % Wilson interval. */
  readonly high?: Maybe<Scalars['Float']['output']>;
  /** Lower end of the 95 % Wilson interval. */
  readonly low?: Maybe<Scalars['Float']['output']>;
  /** Release velocity: median hours. */
  readonly medianHours?: Maybe<Scalars['Float']['output']>;
  /** Ratios: units counted in the numerator. */
  readonly numerator?: Maybe<Scalars['Int']['output']>;
  /** Rows whose 95 % intervals overlap this one: differences not to be read into. */
  readonly overlapsWith: ReadonlyArray<Scalars['String']['output']>;
  /** Release velocity: 90th percentile. */
  readonly p90Hours?: Maybe<Scalars['Float']['output']>;
  /** 1 = best among the rows. */
  readonly rank?: Maybe<Scalars['Int']['output']>;
  /** Ratios: numerator / denominator. */
  readonly value?: Maybe<Scalars['Float']['output']>;
};

/** A key/value label on a site, e.g. `business-unit: cardio`. */
export type Label = {
  readonly __typename?: 'Label';
  /** Label key. */
  readonly key: Scalars['String']['output'];
  /** Label value. */
  readonly value: Scalars['String']['output'];
};

/** A label to set on a site. */
export type LabelInput = {
  /** Label key. */
  readonly key: Scalars['String']['input'];
  /** Label value. */
  readonly value: Scalars['String']['input'];
};

/** What runs where, since when, and why. */
export type LedgerEntry = {
  readonly __typename?: 'LedgerEntry';
  /** Who started that rollout or transfer. */
  readonly deployedBy: Scalars['String']['output'];
  /** No longer live since. */
  readonly endedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Which of the site's plant instances runs it (production, validation, …). */
  readonly environment: Scalars['String']['output'];
  /** What it replaced. */
  readonly previousSha256?: Maybe<Scalars['String']['output']>;
  /** The rollout that deployed it; null when a transfer did (see transferId). */
  readonly rolloutId?: Maybe<Scalars['String']['output']>;
  /** Hash of the effective definition. */
  readonly sha256: Scalars['String']['output'];
  /** Live since (UTC). */
  readonly since: Scalars['DateTime']['output'];
  /** Site key. */
  readonly site: Scalars['String']['output'];
  /** live, superseded or rolled_back. */
  readonly status: Scalars['String']['output'];
  /** Template key. */
  readonly template: Scalars['String']['output'];
  /** The tech transfer that deployed it to its target site; null when a rollout did (see rolloutId). Exactly one of the two is set. */
  readonly transferId?: Maybe<Scalars['String']['output']>;
  /** Template version. */
  readonly version: Scalars['String']['output'];
};

/** The authenticated caller, as the token presents them. */
export type Me = {
  readonly __typename?: 'Me';
  /** Token issuer (`coe-dev` or the OIDC issuer). */
  readonly issuer: Scalars['String']['output'];
  /** Printed name. */
  readonly name: Scalars['String']['output'];
  /** Roles the token grants. */
  readonly roles: ReadonlyArray<Scalars['String']['output']>;
  /** Sites that site-scoped roles are limited to (empty: no site scope). */
  readonly sites: ReadonlyArray<Scalars['String']['output']>;
  /** User id (token subject). */
  readonly subject: Scalars['String']['output'];
};

/** Every change; each mutation is one audited transaction. */
export type Mutation = {
  readonly __typename?: 'Mutation';
  /** Abort; with rollback, every site this rollout changed is rolled back, newest first. */
  readonly abortRollout: RolloutResult;
  /** Add an area to a site (coe_architect, or site_admin of that site). */
  readonly addArea: AreaResult;
  /** Register a site (coe_architect). Audited. */
  readonly addSite: SiteResult;
  /** Add a work center (line) to an area (coe_architect, or site_admin of the site). */
  readonly addWorkCenter: WorkCenterResult;
  /** Add a work unit (machine, station) to a work center (coe_architect, or site_admin of the site). */
  readonly addWorkUnit: WorkUnitResult;
  /** Approve a proposed overlay revision with an e-signature (not by its proposer); it becomes the site's effective overlay. */
  readonly approveOverlay: OverlayRevisionResult;
  /** Approve the gate a wave waits on, with an e-signature. Refused (and nothing recorded) for the wrong role, sites outside the approver's scope, the rollout's starter, or a wave not waiting; Conflict, naming how it ended, once the rollout has finished (as for every control). */
  readonly approveRolloutGate: RolloutResult;
  /** Approve a version under review with an e-signature (meaning: approved) over its exact content. The author cannot approve their own version. */
  readonly approveTemplate: TemplateVersionResult;
  /** Sign a transfer for its source or target side (`side`: source or target) as a QA approver of that site; two different people, neither the starter. The target's signature also approves the target's proposed overlay revision. */
  readonly approveTransfer: TransferResult;
  /** Cancel a transfer that has not ended (not while it deploys). What was already deployed stays; roll it back with a rollout if needed. */
  readonly cancelTransfer: TransferResult;
  /** Close an open deviation with its resolution. */
  readonly closeValidationDeviation: ValidationDeviationResult;
  /** The target's site admin makes the transfer's decisions (`choices`: a JSON object of parameter values, site-bound ones required); the completed overlay is proposed as the target's next overlay revision and the transfer goes to approval. */
  readonly completeTransferOverlay: TransferResult;
  /** Conclude the validation record with an e-signature (meaning approved) by an enterprise-wide qa_approver who neither authored the template version nor recorded a manual result of it. Refused, listing each reason, while a deviation is open, a test case has no passed latest result, or an automated check failed or has not run. The record is frozen from then on. */
  readonly concludeValidation: ConcludeValidationResult;
  /** Deprecate a published version (no new rollouts of it). */
  readonly deprecateTemplate: TemplateVersionResult;
  /** After an unqualified window: qualify for another `window` (e.g. 14d). */
  readonly extendTransferQualification: TransferResult;
  /** After an unqualified window: end the transfer as failed. */
  readonly failTransfer: TransferResult;
  /** Open a deviation (DEV-1, DEV-2, … within the record), optionally about one test case. The record cannot be concluded while it is open. */
  readonly openValidationDeviation: ValidationDeviationResult;
  /** Pause: no new site deployments start (coe_architect). */
  readonly pauseRollout: RolloutResult;
  /** Propose an overlay revision (site_admin of that site, or coe_architect). Validated against every published template version in its range; effective only once approved. */
  readonly proposeOverlay: ProposeOverlayResult;
  /** Publish an approved version: it must be greater than every published version, and a breaking change needs a major version. Freezes its content. */
  readonly publishTemplate: TemplateVersionResult;
  /** Record a tester's manual result of a test case (or CHARTER, the unscripted session), e-signed with meaning tested (enterprise-wide coe_architect, npi_engineer or qa_approver). `parameters` default to the values the test case exercises; a value given must be the version's parameter, within its bounds, and agree with the test case. Evidence by sha256. Refused on a concluded (frozen) record. */
  readonly recordValidationResult: RecordValidationResultResult;
  /** Reject a proposed overlay revision; it stays in the history. */
  readonly rejectOverlay: OverlayRevisionResult;
  /** Remove a site's plant instance in one environment (same roles as setPlantInstance). NOT_FOUND when it has none there. Audited. */
  readonly removePlantInstance: SiteResult;
  /** Resume after a pause, a failure-budget stop or an inconclusive KPI guard. */
  readonly resumeRollout: RolloutResult;
  /** Retire a deprecated version: it may no longer run anywhere. */
  readonly retireTemplate: TemplateVersionResult;
  /** Deploy the failed sites of the current wave again. */
  readonly retryRollout: RolloutResult;
  /** Send a version under review (or approved, unpublished) back to draft. */
  readonly returnTemplateToDraft: TemplateVersionResult;
  /** Copy, as results of kind reused, the passed results of test cases marked reuse whose operation is unchanged since metadata.previous, from that version's approved record. Refused when the previous version's record is not approved. */
  readonly reuseValidationResults: ReuseValidationResultsResult;
  /** Run the platform's automated checks and record them (kind automated, no e-signature): limits:<TC-ID> per test case (the definition composed at its values resolves every limit inside its spec) and deployment:<site> per site whose validation instance runs the version, verified by hash. Unchanged checks are not recorded again. */
  readonly runValidationChecks: RunValidationChecksResult;
  /** Create or update a draft from a ProcessTemplate document (YAML or JSON text). Same content as stored: unchanged. A published version never changes. */
  readonly saveTemplateDraft: SaveTemplateResult;
  /** Create or update the validation record of a template version from a ValidationRecord document (YAML or JSON text), checked against the version's stored content (enterprise-wide coe_architect or qa_approver). Same document as stored: unchanged. An approved record is frozen. */
  readonly saveValidationRecord: SaveValidationRecordResult;
  /** Set the enterprise's environments in promotion order, production last (coe_architect), e.g. [development, validation, production]. An environment a site still has an instance in cannot be dropped. Audited. */
  readonly setEnvironments: EnterpriseResult;
  /** Create or move a site's plant instance in one of the enterprise's environments: where its agent (or MES) listens there. Production is the coe_architect's (as plantEndpoint); the other environments also the site's site_admin's. Audited. */
  readonly setPlantInstance: SiteResult;
  /** Leave a site that has not started out of the rollout. */
  readonly skipRolloutSite: RolloutResult;
  /** Start a rollout from a RolloutPlan (YAML or JSON text). The plan and the exact template version are snapshotted; sites are resolved now (a site added later is not included). The same plan sent again by its starter while that rollout is active answers with it (a retry after SERVICE_UNAVAILABLE starts its workflow), instead of starting another. */
  readonly startRollout: RolloutResult;
  /** Start a tech transfer (npi_engineer). Refused, with the reasons, when a site or the template is unknown, the source does not run it, source = target, the target lacks an equipment class the process needs, the source has no baseline, or the chosen baseline version was never run at the source (or has no units in the chosen window). A baseline with fewer units than the qualification needs is accepted with a warning (`warnings`, kept with the transfer). The same terms sent again by the starter while that transfer is active answer with it (a retry after SERVICE_UNAVAILABLE starts its workflow). */
  readonly startTransfer: TransferResult;
  /** Send a draft for review. */
  readonly submitTemplate: TemplateVersionResult;
  /** Lift a user id's signing lock and clear its failed-attempt count (coe_architect). Audited as signing.unlocked; returns the lock as it was. */
  readonly unlockSigning: SigningLockResult;
  /** Change a site's master data (coe_architect). Audited with before/after. */
  readonly updateSite: SiteResult;
};


/** Every change; each mutation is one audited transaction. */
export type MutationAbortRolloutArgs = {
  id: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
  rollback?: Scalars['Boolean']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationAddAreaArgs = {
  key: Scalars['String']['input'];
  name: Scalars['String']['input'];
  site: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationAddSiteArgs = {
  input: SiteInput;
  reason?: InputMaybe<Scalars['String']['input']>;
};


/** Every change; each mutation is one audited transaction. */
export type MutationAddWorkCenterArgs = {
  area: Scalars['String']['input'];
  equipmentClasses?: InputMaybe<ReadonlyArray<Scalars['String']['input']>>;
  key: Scalars['String']['input'];
  name: Scalars['String']['input'];
  site: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationAddWorkUnitArgs = {
  equipmentClass?: InputMaybe<Scalars['String']['input']>;
  key: Scalars['String']['input'];
  name: Scalars['String']['input'];
  site: Scalars['String']['input'];
  workCenter: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationApproveOverlayArgs = {
  signature: SignerInput;
  site: Scalars['String']['input'];
  template: Scalars['String']['input'];
  version: Scalars['Int']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationApproveRolloutGateArgs = {
  id: Scalars['String']['input'];
  signature: SignerInput;
  wave: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationApproveTemplateArgs = {
  key: Scalars['String']['input'];
  signature: SignerInput;
  version: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationApproveTransferArgs = {
  id: Scalars['String']['input'];
  side: Scalars['String']['input'];
  signature: SignerInput;
};


/** Every change; each mutation is one audited transaction. */
export type MutationCancelTransferArgs = {
  id: Scalars['String']['input'];
  reason: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationCloseValidationDeviationArgs = {
  key: Scalars['String']['input'];
  resolution: Scalars['String']['input'];
  template: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationCompleteTransferOverlayArgs = {
  choices?: InputMaybe<Scalars['JSON']['input']>;
  id: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


/** Every change; each mutation is one audited transaction. */
export type MutationConcludeValidationArgs = {
  conclusion: Scalars['String']['input'];
  signature: SignerInput;
  template: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationDeprecateTemplateArgs = {
  key: Scalars['String']['input'];
  reason: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationExtendTransferQualificationArgs = {
  id: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
  window: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationFailTransferArgs = {
  id: Scalars['String']['input'];
  reason: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationOpenValidationDeviationArgs = {
  description: Scalars['String']['input'];
  template: Scalars['String']['input'];
  testCase?: InputMaybe<Scalars['String']['input']>;
  title: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationPauseRolloutArgs = {
  id: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


/** Every change; each mutation is one audited transaction. */
export type MutationProposeOverlayArgs = {
  source: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationPublishTemplateArgs = {
  key: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationRecordValidationResultArgs = {
  actual: Scalars['String']['input'];
  evidence?: InputMaybe<ReadonlyArray<ValidationEvidenceInput>>;
  outcome: ValidationOutcome;
  parameters?: InputMaybe<Scalars['JSON']['input']>;
  signature: SignerInput;
  template: Scalars['String']['input'];
  testCase: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationRejectOverlayArgs = {
  reason: Scalars['String']['input'];
  site: Scalars['String']['input'];
  template: Scalars['String']['input'];
  version: Scalars['Int']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationRemovePlantInstanceArgs = {
  environment: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
  site: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationResumeRolloutArgs = {
  id: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


/** Every change; each mutation is one audited transaction. */
export type MutationRetireTemplateArgs = {
  key: Scalars['String']['input'];
  reason: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationRetryRolloutArgs = {
  id: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


/** Every change; each mutation is one audited transaction. */
export type MutationReturnTemplateToDraftArgs = {
  key: Scalars['String']['input'];
  reason: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationReuseValidationResultsArgs = {
  template: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationRunValidationChecksArgs = {
  template: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationSaveTemplateDraftArgs = {
  source: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationSaveValidationRecordArgs = {
  source: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationSetEnvironmentsArgs = {
  environments: ReadonlyArray<Scalars['String']['input']>;
  reason?: InputMaybe<Scalars['String']['input']>;
};


/** Every change; each mutation is one audited transaction. */
export type MutationSetPlantInstanceArgs = {
  endpoint: Scalars['String']['input'];
  environment: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
  site: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationSkipRolloutSiteArgs = {
  id: Scalars['String']['input'];
  reason: Scalars['String']['input'];
  site: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationStartRolloutArgs = {
  plan: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationStartTransferArgs = {
  input: StartTransferInput;
};


/** Every change; each mutation is one audited transaction. */
export type MutationSubmitTemplateArgs = {
  key: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationUnlockSigningArgs = {
  reason: Scalars['String']['input'];
  username: Scalars['String']['input'];
};


/** Every change; each mutation is one audited transaction. */
export type MutationUpdateSiteArgs = {
  key: Scalars['String']['input'];
  patch: SitePatch;
  reason?: InputMaybe<Scalars['String']['input']>;
};

/** The object named does not exist, or not within the caller's sites. */
export type NotFound = Problem & {
  readonly __typename?: 'NotFound';
  /** Stable code. */
  readonly code: ProblemCode;
  /** Facts a client may show or act on (e.g. `status` of the object, `attempts` and `lockedUntil` of a signing lock); absent when there are none. */
  readonly details?: Maybe<Scalars['JSON']['output']>;
  /** What went wrong and where, in plain words. */
  readonly message: Scalars['String']['output'];
};

/** One revision of a site's overlay. */
export type OverlayRevision = {
  readonly __typename?: 'OverlayRevision';
  /** The approval e-signature, once approved. */
  readonly approval?: Maybe<Signature>;
  /** sha256 of its canonical JSON. */
  readonly contentSha256: Scalars['String']['output'];
  /** When it was proposed. */
  readonly createdAt: Scalars['DateTime']['output'];
  /** When it was approved/rejected. */
  readonly decidedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The full SiteOverlay document. */
  readonly document: Scalars['JSON']['output'];
  /** Who proposed it. */
  readonly proposedBy: Scalars['String']['output'];
  /** Why the site needs it. */
  readonly reason?: Maybe<Scalars['String']['output']>;
  /** Site key. */
  readonly site: Scalars['String']['output'];
  /** Where it stands. */
  readonly status: OverlayStatus;
  /** Template key. */
  readonly template: Scalars['String']['output'];
  /** Template versions it applies to. */
  readonly templateVersions: Scalars['String']['output'];
  /** Overlay revision number. */
  readonly version: Scalars['Int']['output'];
};

/** The revision after the step, or why not. */
export type OverlayRevisionResult = BadInput | Conflict | NotFound | OverlayRevision | SignatureRejected | ValidationFailed;

/** proposed → approved (effective) → superseded; or rejected. */
export type OverlayStatus =
  | 'APPROVED'
  | 'PROPOSED'
  | 'REJECTED'
  | 'SUPERSEDED';

/** An overlay checked against the published template versions. */
export type OverlayValidation = {
  readonly __typename?: 'OverlayValidation';
  /** Renames applied automatically. */
  readonly migrations: ReadonlyArray<Scalars['String']['output']>;
  /** Every problem found. */
  readonly violations: ReadonlyArray<Violation>;
};

/** Where a page ends and whether more follow. */
export type PageInfo = {
  readonly __typename?: 'PageInfo';
  /** Pass as `after` to fetch the next page. */
  readonly endCursor?: Maybe<Scalars['String']['output']>;
  /** True when another page follows. */
  readonly hasNextPage: Scalars['Boolean']['output'];
};

/** A wave of a plan, resolved to sites now. */
export type PlannedWave = {
  readonly __typename?: 'PlannedWave';
  /** Gates run after the wave. */
  readonly gates: ReadonlyArray<Scalars['String']['output']>;
  /** Wave name. */
  readonly name: Scalars['String']['output'];
  /** Its sites, in deployment order. */
  readonly sites: ReadonlyArray<Scalars['String']['output']>;
};

/** Where a site's plant instance (its MES or the reference agent) listens in one environment (today: production). */
export type PlantInstance = {
  readonly __typename?: 'PlantInstance';
  /** Base URL of the instance. */
  readonly endpoint: Scalars['String']['output'];
  /** The environment, e.g. `production`. */
  readonly environment: Scalars['String']['output'];
  /** When the endpoint last changed (UTC). */
  readonly updatedAt: Scalars['DateTime']['output'];
};

/** An expected business failure, answered as data; nothing was changed. */
export type Problem = {
  /** Stable code. */
  readonly code: ProblemCode;
  /** Facts a client may show or act on (e.g. `status` of the object, `attempts` and `lockedUntil` of a signing lock); absent when there are none. */
  readonly details?: Maybe<Scalars['JSON']['output']>;
  /** What went wrong and where, in plain words. */
  readonly message: Scalars['String']['output'];
};

/** The stable code of a problem: branch on it, never on the message. */
export type ProblemCode =
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'NOT_FOUND'
  | 'SIGNATURE_REJECTED'
  | 'SIGNING_LOCKED'
  | 'VALIDATION_FAILED';

/** The stored revision, or why it was not stored. */
export type ProposeOverlayResult = BadInput | Conflict | NotFound | ProposedOverlay | SignatureRejected | ValidationFailed;

/** The outcome of proposing an overlay. */
export type ProposedOverlay = {
  readonly __typename?: 'ProposedOverlay';
  /** proposed, or unchanged (same content). */
  readonly outcome: Scalars['String']['output'];
  /** The stored revision. */
  readonly overlay: OverlayRevision;
};

/** Everything a caller may read, each field checked for role and site. */
export type Query = {
  readonly __typename?: 'Query';
  /** Standard adoption velocity: share of sites on each template's current version, and hours from its publication to live at each site (from the ledger). */
  readonly adoption: ReadonlyArray<TemplateAdoption>;
  /** Verify the hash chain of the whole audit trail now, and that it still holds the latest anchor kept outside the database, so deleted newest records, a truncated table or a restored older database show too (auditor). */
  readonly auditChain: AuditChainReport;
  /** One audit record by its sequence number (auditor; a qa_approver for their sites); NOT_FOUND when there is none the caller may see. */
  readonly auditRecord: AuditRecord;
  /** The audit trail, newest first (auditor, qa_approver). */
  readonly auditRecords: AuditRecordConnection;
  /** Check a RolloutPlan (YAML or JSON text) as startRollout would, without starting it: ValidationFailed with the violations, or the waves resolved now and what each kpiGuard needs to decide, with a warning when its window is too short. */
  readonly checkRolloutPlan: RolloutPlanCheckResult;
  /** Before/after: a template version's KPI against another version's, per site, with the difference and its 95 % interval; `warning` when neither version has data in the window. */
  readonly compareVersions: VersionReport;
  /** Open drift: plants running a hash the ledger does not expect (checked by a Temporal Schedule). */
  readonly drift: ReadonlyArray<Drift>;
  /** The effective definition of `template` at `site` (default version: the newest published). FORBIDDEN outside the caller's sites. */
  readonly effectiveDefinition: EffectiveDefinition;
  /** The enterprise this platform serves. */
  readonly enterprise?: Maybe<Enterprise>;
  /** A KPI grouped by site, region, template, version, product and/or period, over [from, to) (UTC days; default the last 30 days), with the enterprise figure, ranks and overlapping intervals. A window without data says so in `warning`, with the days that hold data the caller can see under the same filters (`dataFrom`, `dataTo`). */
  readonly kpis: KpiReport;
  /** The deployment ledger of one environment (production unless named): what runs where, since when, by which rollout or transfer. `history` includes superseded and rolled-back entries. */
  readonly ledger: ReadonlyArray<LedgerEntry>;
  /** Who the caller is. */
  readonly me: Me;
  /** Overlay revisions (history included), newest first per site and template; site-scoped callers see only their sites. At most 1000: narrow by site or template. */
  readonly overlays: ReadonlyArray<OverlayRevision>;
  /** One rollout: waves by sites with states and reasons (site-scoped callers see their sites only; a rollout that touches none of them is NOT_FOUND). */
  readonly rollout: Rollout;
  /** Rollouts, newest first; filter by template and status (site-scoped callers: those that touch their sites, showing only their sites). */
  readonly rollouts: RolloutConnection;
  /** Signatures on one record, oldest first (site-scoped callers: none on records of other sites). */
  readonly signatures: ReadonlyArray<Signature>;
  /** User ids with refused e-signature attempts on record, locked or still counting, latest failure first (coe_architect). */
  readonly signingLocks: ReadonlyArray<SigningLock>;
  /** One site by key, with its hierarchy. FORBIDDEN outside the caller's sites (a plant token: its own site). */
  readonly site: Site;
  /** Sites the caller may see, ordered by key. Site-scoped roles see only their own sites. */
  readonly sites: SiteConnection;
  /** What changed between two versions, each change classified breaking or compatible. */
  readonly templateDiff: TemplateDiff;
  /** One version; without `version`, the newest published one. */
  readonly templateVersion: TemplateVersion;
  /** Templates by key, each with the versions the caller may see (drafts only for architects, approvers and auditors), newest first. */
  readonly templates: TemplateTypeConnection;
  /** One transfer. */
  readonly transfer: Transfer;
  /** Preview a transfer: the source's effective definition and KPI baseline (of `baselineVersion` over `baselineWindow` or [from, to); by default the last 30 days of the version the source runs, or of the newest version with enough units), the proposed target overlay, the decisions left to the target, equipment needed, blockers, what differs, and `warnings` (a baseline too small for a comparison at `tolerance`). `choices` are the target's values (JSON object). Nothing is written. */
  readonly transferPackage: TransferPackage;
  /** Transfers, newest first (site-scoped callers: those from or to their sites); filter by template and status. */
  readonly transfers: TransferConnection;
  /** For every site the caller may see: compatible, needs_overlay_change (with the exact violations its current overlay would have) or not_using. `fromVersion` defaults to the newest published version older than `toVersion`. */
  readonly upgradeImpact: UpgradeImpact;
  /** Check a SiteOverlay document (YAML or JSON text) against every published version of its template in its range, without storing it. */
  readonly validateOverlay: OverlayValidation;
  /** Check a ProcessTemplate document (YAML or JSON text) without storing it. */
  readonly validateTemplate: ReadonlyArray<Violation>;
  /** The validation record of one template version (enterprise-wide: every person may read it). */
  readonly validationRecord: ValidationRecord;
  /** Every validation record (or one template's), by template key, newest version first. */
  readonly validationRecords: ReadonlyArray<ValidationRecord>;
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryAdoptionArgs = {
  template?: InputMaybe<Scalars['String']['input']>;
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryAuditRecordArgs = {
  seq: Scalars['Int']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryAuditRecordsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditFilter>;
  first?: Scalars['Int']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryCheckRolloutPlanArgs = {
  plan: Scalars['String']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryCompareVersionsArgs = {
  from?: InputMaybe<Scalars['Date']['input']>;
  fromVersion: Scalars['String']['input'];
  metric?: KpiMetric;
  template: Scalars['String']['input'];
  to?: InputMaybe<Scalars['Date']['input']>;
  toVersion: Scalars['String']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryEffectiveDefinitionArgs = {
  site: Scalars['String']['input'];
  template: Scalars['String']['input'];
  version?: InputMaybe<Scalars['String']['input']>;
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryKpisArgs = {
  filter?: InputMaybe<KpiFilter>;
  from?: InputMaybe<Scalars['Date']['input']>;
  groupBy?: InputMaybe<ReadonlyArray<KpiDimension>>;
  metric: KpiMetric;
  period?: KpiPeriod;
  to?: InputMaybe<Scalars['Date']['input']>;
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryLedgerArgs = {
  environment?: Scalars['String']['input'];
  first?: Scalars['Int']['input'];
  history?: Scalars['Boolean']['input'];
  site?: InputMaybe<Scalars['String']['input']>;
  template?: InputMaybe<Scalars['String']['input']>;
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryOverlaysArgs = {
  site?: InputMaybe<Scalars['String']['input']>;
  template?: InputMaybe<Scalars['String']['input']>;
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryRolloutArgs = {
  id: Scalars['String']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryRolloutsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  status?: InputMaybe<ReadonlyArray<Scalars['String']['input']>>;
  template?: InputMaybe<Scalars['String']['input']>;
};


/** Everything a caller may read, each field checked for role and site. */
export type QuerySignaturesArgs = {
  entityId: Scalars['String']['input'];
  entityType: Scalars['String']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QuerySiteArgs = {
  key: Scalars['String']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QuerySitesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  region?: InputMaybe<Scalars['String']['input']>;
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryTemplateDiffArgs = {
  fromVersion: Scalars['String']['input'];
  key: Scalars['String']['input'];
  toVersion: Scalars['String']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryTemplateVersionArgs = {
  key: Scalars['String']['input'];
  version?: InputMaybe<Scalars['String']['input']>;
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryTemplatesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryTransferArgs = {
  id: Scalars['String']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryTransferPackageArgs = {
  baselineVersion?: InputMaybe<Scalars['String']['input']>;
  baselineWindow?: InputMaybe<Scalars['String']['input']>;
  choices?: InputMaybe<Scalars['JSON']['input']>;
  from?: InputMaybe<Scalars['Date']['input']>;
  fromSite: Scalars['String']['input'];
  minUnits?: Scalars['Int']['input'];
  template: Scalars['String']['input'];
  to?: InputMaybe<Scalars['Date']['input']>;
  toSite: Scalars['String']['input'];
  tolerance?: Scalars['Float']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryTransfersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  status?: InputMaybe<ReadonlyArray<Scalars['String']['input']>>;
  template?: InputMaybe<Scalars['String']['input']>;
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryUpgradeImpactArgs = {
  fromVersion?: InputMaybe<Scalars['String']['input']>;
  template: Scalars['String']['input'];
  toVersion: Scalars['String']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryValidateOverlayArgs = {
  source: Scalars['String']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryValidateTemplateArgs = {
  source: Scalars['String']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryValidationRecordArgs = {
  template: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


/** Everything a caller may read, each field checked for role and site. */
export type QueryValidationRecordsArgs = {
  template?: InputMaybe<Scalars['String']['input']>;
};

/** A ratio with its interval. */
export type RatioType = {
  readonly __typename?: 'RatioType';
  /** Units completed. */
  readonly denominator: Scalars['Int']['output'];
  /** 95 % Wilson upper bound. */
  readonly high?: Maybe<Scalars['Float']['output']>;
  /** 95 % Wilson lower bound. */
  readonly low?: Maybe<Scalars['Float']['output']>;
  /** Units in the numerator. */
  readonly numerator: Scalars['Int']['output'];
  /** The ratio. */
  readonly value?: Maybe<Scalars['Float']['output']>;
};

/** The recorded result, or why nothing was recorded. */
export type RecordValidationResultResult = BadInput | Conflict | NotFound | RecordedValidationResult | SignatureRejected | ValidationFailed;

/** A manual result recorded, and the record it belongs to. */
export type RecordedValidationResult = {
  readonly __typename?: 'RecordedValidationResult';
  /** The record, with it. */
  readonly record: ValidationRecord;
  /** The result as stored. */
  readonly result: ValidationResult;
};

/** The results reused, or why none could be. */
export type ReuseValidationResultsResult = BadInput | Conflict | NotFound | SignatureRejected | ValidationFailed | ValidationResultsReused;

/** high: scripted test cases; not-high: unscripted testing under the charter. */
export type RiskLevel =
  | 'HIGH'
  | 'NOT_HIGH';

/** A template version rolled out in waves. */
export type Rollout = {
  readonly __typename?: 'Rollout';
  /** The wave under way. */
  readonly currentWave?: Maybe<Scalars['String']['output']>;
  /** Whose plant instances it deploys to (the plan's spec.environment). */
  readonly environment: Scalars['String']['output'];
  /** When it ended. */
  readonly finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Rollout id. */
  readonly id: Scalars['String']['output'];
  /** Why it is paused, or what it waits for. */
  readonly reason?: Maybe<Scalars['String']['output']>;
  /** When (UTC). */
  readonly startedAt: Scalars['DateTime']['output'];
  /** Who started it. */
  readonly startedBy: Scalars['String']['output'];
  /** running, paused, awaiting_approval, completed, aborted, failed. */
  readonly status: Scalars['String']['output'];
  /** Template key. */
  readonly template: Scalars['String']['output'];
  /** The exact version rolled out. */
  readonly templateSha256: Scalars['String']['output'];
  /** The workflow in the Temporal UI. */
  readonly temporalUrl: Scalars['String']['output'];
  /** Last change (UTC). */
  readonly updatedAt: Scalars['DateTime']['output'];
  /** Template version. */
  readonly version: Scalars['String']['output'];
  /** Non-blocking warnings from its start, e.g. a kpiGuard whose window is too short to decide at its maxDrop at its sites' recent volume. */
  readonly warnings: ReadonlyArray<Scalars['String']['output']>;
  /** Waves by sites, with states. */
  readonly waves: ReadonlyArray<RolloutWave>;
};

/** One page of a list. */
export type RolloutConnection = {
  readonly __typename?: 'RolloutConnection';
  /** The items on this page. */
  readonly nodes: ReadonlyArray<Rollout>;
  /** How to fetch the next page. */
  readonly pageInfo: PageInfo;
  /** How many items match, over all pages. */
  readonly totalCount: Scalars['Int']['output'];
};

/** What starting this plan would do now, without starting it. */
export type RolloutPlanCheck = {
  readonly __typename?: 'RolloutPlanCheck';
  /** For a production plan, each of its sites: whether its definition of the version lies inside the version's validated design space (covered by validation) or not (site verification required, with what is outside); empty for other environments. Computed only when asked for. */
  readonly coverage: ReadonlyArray<SiteCoverage>;
  /** Whose plant instances it would deploy to. */
  readonly environment: Scalars['String']['output'];
  /** What each kpiGuard needs to decide. */
  readonly estimates: ReadonlyArray<KpiGuardEstimate>;
  /** Template key. */
  readonly template: Scalars['String']['output'];
  /** Template version. */
  readonly version: Scalars['String']['output'];
  /** Warnings (the plan may still start). */
  readonly warnings: ReadonlyArray<Scalars['String']['output']>;
  /** Waves with the sites resolved now. */
  readonly waves: ReadonlyArray<PlannedWave>;
};

/** The plan as it would run, or its problems. */
export type RolloutPlanCheckResult = BadInput | Conflict | NotFound | RolloutPlanCheck | SignatureRejected | ValidationFailed;

/** The rollout after the step, or why not. */
export type RolloutResult = BadInput | Conflict | NotFound | Rollout | SignatureRejected | ValidationFailed;

/** One site in a rollout. */
export type RolloutSite = {
  readonly __typename?: 'RolloutSite';
  /** Every state with its time and reason. */
  readonly history?: Maybe<Scalars['JSON']['output']>;
  /** What ran before. */
  readonly previousSha256?: Maybe<Scalars['String']['output']>;
  /** Why it is in this state. */
  readonly reason?: Maybe<Scalars['String']['output']>;
  /** Definition hash deployed. */
  readonly sha256?: Maybe<Scalars['String']['output']>;
  /** Site key. */
  readonly site: Scalars['String']['output'];
  /** pending, validating, deploying, verifying, live, failed, rolled_back, skipped. */
  readonly state: Scalars['String']['output'];
  /** Last change (UTC). */
  readonly updatedAt?: Maybe<Scalars['DateTime']['output']>;
  /** For a skipped site: what its overlay breaks. */
  readonly violations?: Maybe<Scalars['JSON']['output']>;
  /** The wave it belongs to. */
  readonly wave: Scalars['String']['output'];
};

/** A wave: its sites and gates. */
export type RolloutWave = {
  readonly __typename?: 'RolloutWave';
  /** Failed sites tolerated. */
  readonly failureBudget: Scalars['Int']['output'];
  /** Gates run after the wave. */
  readonly gates: ReadonlyArray<Scalars['String']['output']>;
  /** Its kpiGuard's last measurement (null before the guard has looked). */
  readonly kpiGuard?: Maybe<KpiGuardMeasurement>;
  /** Sites deployed at once at most. */
  readonly maxParallel: Scalars['Int']['output'];
  /** Wave name. */
  readonly name: Scalars['String']['output'];
  /** Its sites (those visible). */
  readonly sites: ReadonlyArray<RolloutSite>;
};

/** The checks run, or why none were run. */
export type RunValidationChecksResult = BadInput | Conflict | NotFound | SignatureRejected | ValidationChecksRun | ValidationFailed;

/** The stored draft, or why it was not stored. */
export type SaveTemplateResult = BadInput | Conflict | NotFound | SavedTemplate | SignatureRejected | ValidationFailed;

/** The stored record, or why it was not stored. */
export type SaveValidationRecordResult = BadInput | Conflict | NotFound | SavedValidationRecord | SignatureRejected | ValidationFailed;

/** The outcome of saving a template draft. */
export type SavedTemplate = {
  readonly __typename?: 'SavedTemplate';
  /** created, updated or unchanged. */
  readonly outcome: Scalars['String']['output'];
  /** The stored version. */
  readonly template: TemplateVersion;
};

/** The outcome of saving a validation record. */
export type SavedValidationRecord = {
  readonly __typename?: 'SavedValidationRecord';
  /** created, updated or unchanged. */
  readonly outcome: Scalars['String']['output'];
  /** The stored record. */
  readonly record: ValidationRecord;
};

/** error: the document is refused; warning: accepted, but worth a look. */
export type Severity =
  | 'ERROR'
  | 'WARNING';

/** An electronic signature: who signed, when, with which meaning, over which content hash. */
export type Signature = {
  readonly __typename?: 'Signature';
  /** sha256 of the exact content signed. */
  readonly contentSha256: Scalars['String']['output'];
  /** Id of the record signed. */
  readonly entityId: Scalars['String']['output'];
  /** Kind of record signed. */
  readonly entityType: Scalars['String']['output'];
  /** Signature id. */
  readonly id: Scalars['UUID']['output'];
  /** Name, date/time and meaning as shown wherever the signature is displayed. */
  readonly manifestation: Scalars['String']['output'];
  /** authored, reviewed, approved, released or tested. */
  readonly meaning: Scalars['String']['output'];
  /** Printed name of the signer. */
  readonly printedName: Scalars['String']['output'];
  /** Why the signer signed. */
  readonly reason: Scalars['String']['output'];
  /** When it was signed (UTC). */
  readonly signedAt: Scalars['DateTime']['output'];
  /** User id of the signer. */
  readonly signerId: Scalars['String']['output'];
};

/** An electronic signature was refused (SIGNATURE_REJECTED: wrong credentials, signer or stale re-authentication) or the signer's signing is locked (SIGNING_LOCKED). */
export type SignatureRejected = Problem & {
  readonly __typename?: 'SignatureRejected';
  /** Stable code. */
  readonly code: ProblemCode;
  /** Facts a client may show or act on (e.g. `status` of the object, `attempts` and `lockedUntil` of a signing lock); absent when there are none. */
  readonly details?: Maybe<Scalars['JSON']['output']>;
  /** What went wrong and where, in plain words. */
  readonly message: Scalars['String']['output'];
};

/** An electronic signature: re-authenticate and say why. The meaning (approved, released, …) follows from the mutation that takes it. */
export type SignerInput = {
  /** Your password (development identity store). */
  readonly password?: InputMaybe<Scalars['String']['input']>;
  /** Why you sign (kept with the signature). */
  readonly reason: Scalars['String']['input'];
  /** A fresh ID token from the identity provider (production). */
  readonly reauthToken?: InputMaybe<Scalars['String']['input']>;
  /** Your user id (development identity store). */
  readonly username?: InputMaybe<Scalars['String']['input']>;
};

/** Refused e-signature attempts of one user id, counted towards a signing lock (21 CFR Part 11 §11.300(d)). Unknown user ids are counted like real ones. */
export type SigningLock = {
  readonly __typename?: 'SigningLock';
  /** Refused attempts in a row since the last success, unlock or lapsed lock. */
  readonly consecutiveFailures: Scalars['Int']['output'];
  /** When the latest refused attempt was made (UTC). */
  readonly lastFailureAt?: Maybe<Scalars['DateTime']['output']>;
  /** Whether signing is locked right now. */
  readonly locked: Scalars['Boolean']['output'];
  /** When signing was locked (UTC). */
  readonly lockedAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the lock lapses (UTC); null while locked means until unlocked. */
  readonly lockedUntil?: Maybe<Scalars['DateTime']['output']>;
  /** The user id the attempts were made as. */
  readonly userId: Scalars['String']['output'];
};

/** The lock as it was, or why not. */
export type SigningLockResult = BadInput | Conflict | NotFound | SignatureRejected | SigningLock | ValidationFailed;

/** A plant of the enterprise. */
export type Site = {
  readonly __typename?: 'Site';
  /** The areas of the site. */
  readonly areas: ReadonlyArray<Area>;
  /** ISO 3166-1 alpha-2 country code. */
  readonly country?: Maybe<Scalars['String']['output']>;
  /** When the site was registered (UTC). */
  readonly createdAt: Scalars['DateTime']['output'];
  /** The site's plant instances, one per environment it runs in. */
  readonly instances: ReadonlyArray<PlantInstance>;
  /** Site key, e.g. `cork`; unique in the enterprise. */
  readonly key: Scalars['String']['output'];
  /** Free-form key/value labels. */
  readonly labels: ReadonlyArray<Label>;
  /** Display name. */
  readonly name: Scalars['String']['output'];
  /** Base URL of the site's production plant instance (its MES or the reference agent); null when it has none. See `instances` for every environment. */
  readonly plantEndpoint?: Maybe<Scalars['String']['output']>;
  /** Region, e.g. `emea`, `apac`, `americas`. */
  readonly region: Scalars['String']['output'];
  /** Regulations the site works under, e.g. `21 CFR 820`, `EU MDR`. */
  readonly regulatoryScope: ReadonlyArray<Scalars['String']['output']>;
  /** IANA time zone of the plant. */
  readonly timeZone: Scalars['String']['output'];
  /** When its master data last changed. */
  readonly updatedAt: Scalars['DateTime']['output'];
};

/** One page of a list. */
export type SiteConnection = {
  readonly __typename?: 'SiteConnection';
  /** The items on this page. */
  readonly nodes: ReadonlyArray<Site>;
  /** How to fetch the next page. */
  readonly pageInfo: PageInfo;
  /** How many items match, over all pages. */
  readonly totalCount: Scalars['Int']['output'];
};

/** Whether a site's definition of a template version lies inside the version's validated design space (the parameter values its passed test cases exercised). */
export type SiteCoverage = {
  readonly __typename?: 'SiteCoverage';
  /** true: covered by validation; false: site verification required; null: not stated (no validation record, or the site's definition does not compose). */
  readonly covered?: Maybe<Scalars['Boolean']['output']>;
  /** What is not covered, in words. */
  readonly reasons: ReadonlyArray<Scalars['String']['output']>;
  /** Site key. */
  readonly site: Scalars['String']['output'];
  /** Effective values outside the validated ones. */
  readonly uncoveredParameters: ReadonlyArray<UncoveredParameter>;
  /** The site's extension steps: central validation never covers them. */
  readonly uncoveredSteps: ReadonlyArray<Scalars['String']['output']>;
  /** 'covered by validation', 'site verification required', or why it cannot be stated. */
  readonly verdict: Scalars['String']['output'];
};

/** What a new template version means for a site. */
export type SiteImpact = {
  readonly __typename?: 'SiteImpact';
  /** Renames applied automatically, each with the version that declared it. */
  readonly migrations: ReadonlyArray<Scalars['String']['output']>;
  /** The site's effective overlay. */
  readonly overlayVersion?: Maybe<Scalars['Int']['output']>;
  /** Site key. */
  readonly site: Scalars['String']['output'];
  /** compatible, needs_overlay_change or not_using. */
  readonly status: ImpactStatus;
  /** Exactly what the overlay would break. */
  readonly violations: ReadonlyArray<Violation>;
};

/** A new site. */
export type SiteInput = {
  /** ISO country code. */
  readonly country?: InputMaybe<Scalars['String']['input']>;
  /** Site key: lowercase letters, digits and '-'. */
  readonly key: Scalars['String']['input'];
  /** Labels. */
  readonly labels?: ReadonlyArray<LabelInput>;
  /** Display name. */
  readonly name: Scalars['String']['input'];
  /** Base URL of the site's production plant instance. */
  readonly plantEndpoint?: InputMaybe<Scalars['String']['input']>;
  /** Region key, e.g. `emea`. */
  readonly region: Scalars['String']['input'];
  /** Regulations the site works under. */
  readonly regulatoryScope?: ReadonlyArray<Scalars['String']['input']>;
  /** IANA time zone, e.g. `Europe/Dublin`. */
  readonly timeZone: Scalars['String']['input'];
};

/** How far a site is on a template's current version. */
export type SiteLeadTime = {
  readonly __typename?: 'SiteLeadTime';
  /** Hours from publication to live at the site (none: not on it yet). */
  readonly hours?: Maybe<Scalars['Float']['output']>;
  /** Site key. */
  readonly site: Scalars['String']['output'];
};

/** Changes to a site; omitted fields stay as they are. */
export type SitePatch = {
  /** ISO country code; null clears it. */
  readonly country?: InputMaybe<Scalars['String']['input']>;
  /** Replaces all labels. */
  readonly labels?: InputMaybe<ReadonlyArray<LabelInput>>;
  /** Display name. */
  readonly name?: InputMaybe<Scalars['String']['input']>;
  /** Production plant instance URL; null removes the production instance. */
  readonly plantEndpoint?: InputMaybe<Scalars['String']['input']>;
  /** Region key. */
  readonly region?: InputMaybe<Scalars['String']['input']>;
  /** Replaces the regulatory scope. */
  readonly regulatoryScope?: InputMaybe<ReadonlyArray<Scalars['String']['input']>>;
  /** IANA time zone. */
  readonly timeZone?: InputMaybe<Scalars['String']['input']>;
};

/** The site, or why it was not saved. */
export type SiteResult = BadInput | Conflict | NotFound | SignatureRejected | Site | ValidationFailed;

/** What to transfer, where, and what qualifies it. */
export type StartTransferInput = {
  /** First day of the source's baseline (default: 30 days ago); or use `baselineWindow`. */
  readonly baselineFrom?: InputMaybe<Scalars['Date']['input']>;
  /** Day after the baseline's last (default: tomorrow, UTC). */
  readonly baselineTo?: InputMaybe<Scalars['Date']['input']>;
  /** The version whose units at the source make the baseline; one the source ran (refused otherwise). Default: the version the source runs now when it has enough units in the window (what a comparison at `tolerance` needs), else the newest version that has — `warnings` says so. */
  readonly baselineVersion?: InputMaybe<Scalars['String']['input']>;
  /** The baseline's window: `90d` (the last 90 UTC days, today included) or `FROM..TO` (ISO dates, TO excluded). Default: the last 30 days. A window without units of the baseline version is refused. */
  readonly baselineWindow?: InputMaybe<Scalars['String']['input']>;
  /** Source site: runs the process today. */
  readonly fromSite: Scalars['String']['input'];
  /** Units the target must complete before it can qualify. */
  readonly minUnits?: Scalars['Int']['input'];
  /** Why (kept in the audit). */
  readonly reason?: InputMaybe<Scalars['String']['input']>;
  /** Template key (the version the source runs). */
  readonly template: Scalars['String']['input'];
  /** Target site: receives it. */
  readonly toSite: Scalars['String']['input'];
  /** How much lower the target's right-first-time may be: it qualifies when the lower end of the 95 % interval of (target - source) is at least -tolerance. */
  readonly tolerance?: Scalars['Float']['input'];
  /** Qualification window after deployment (e.g. 30d, 72h). */
  readonly window?: Scalars['String']['input'];
};

/** Standard adoption velocity of one template. */
export type TemplateAdoption = {
  readonly __typename?: 'TemplateAdoption';
  /** Newest published version. */
  readonly currentVersion: Scalars['String']['output'];
  /** Per site. */
  readonly leadTimes: ReadonlyArray<SiteLeadTime>;
  /** When it was published. */
  readonly publishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** sites_on_current / sites_using. */
  readonly share?: Maybe<Scalars['Float']['output']>;
  /** Of those, on the current version. */
  readonly sitesOnCurrent: Scalars['Int']['output'];
  /** Sites running the template. */
  readonly sitesUsing: Scalars['Int']['output'];
  /** Template key. */
  readonly template: Scalars['String']['output'];
};

/** One difference between two versions. */
export type TemplateChange = {
  readonly __typename?: 'TemplateChange';
  /** The new value. */
  readonly after?: Maybe<Scalars['JSON']['output']>;
  /** metadata, parameters, operations, dataCollection, qualityChecks, extensionPoints, reasonCodes or kpis. */
  readonly area: Scalars['String']['output'];
  /** The old value. */
  readonly before?: Maybe<Scalars['JSON']['output']>;
  /** True when site overlays may break. */
  readonly breaking: Scalars['Boolean']['output'];
  /** The change in plain words. */
  readonly description: Scalars['String']['output'];
  /** added, removed, changed, renamed or moved. */
  readonly kind: Scalars['String']['output'];
  /** What changed (parameter, operation id, …). */
  readonly subject: Scalars['String']['output'];
};

/** What changed from one version to another. */
export type TemplateDiff = {
  readonly __typename?: 'TemplateDiff';
  /** True when any change is breaking. */
  readonly breaking: Scalars['Boolean']['output'];
  /** Every change. */
  readonly changes: ReadonlyArray<TemplateChange>;
  /** The older version. */
  readonly fromVersion: Scalars['String']['output'];
  /** Template key. */
  readonly key: Scalars['String']['output'];
  /** The newer version. */
  readonly toVersion: Scalars['String']['output'];
};

/** One value of a template's configuration surface. */
export type TemplateParameter = {
  readonly __typename?: 'TemplateParameter';
  /** The global value. */
  readonly default: Scalars['JSON']['output'];
  /** What it controls. */
  readonly description?: Maybe<Scalars['String']['output']>;
  /** Highest value (number, duration). */
  readonly maximum?: Maybe<Scalars['JSON']['output']>;
  /** Lowest value (number, duration). */
  readonly minimum?: Maybe<Scalars['JSON']['output']>;
  /** Parameter name. */
  readonly name: Scalars['String']['output'];
  /** Whether the value belongs to the site. */
  readonly siteBound: Scalars['Boolean']['output'];
  /** Whether sites may set a value. */
  readonly siteConfigurable: Scalars['Boolean']['output'];
  /** number, integer, string, boolean, enum, duration. */
  readonly type: Scalars['String']['output'];
  /** Unit of measure. */
  readonly unit?: Maybe<Scalars['String']['output']>;
  /** Allowed values (enum). */
  readonly values?: Maybe<ReadonlyArray<Scalars['String']['output']>>;
};

/** Lifecycle: draft → in_review → approved → published → deprecated → retired. */
export type TemplateStatus =
  | 'APPROVED'
  | 'DEPRECATED'
  | 'DRAFT'
  | 'IN_REVIEW'
  | 'PUBLISHED'
  | 'RETIRED';

/** A template and its versions. */
export type TemplateType = {
  readonly __typename?: 'TemplateType';
  /** Template key. */
  readonly key: Scalars['String']['output'];
  /** The newest published (or deprecated) version. */
  readonly latestPublished?: Maybe<TemplateVersion>;
  /** Title of the newest version. */
  readonly title: Scalars['String']['output'];
  /** Versions the caller may see, newest first. */
  readonly versions: ReadonlyArray<TemplateVersion>;
};

/** One page of a list. */
export type TemplateTypeConnection = {
  readonly __typename?: 'TemplateTypeConnection';
  /** The items on this page. */
  readonly nodes: ReadonlyArray<TemplateType>;
  /** How to fetch the next page. */
  readonly pageInfo: PageInfo;
  /** How many items match, over all pages. */
  readonly totalCount: Scalars['Int']['output'];
};

/** One version of a global process template. */
export type TemplateVersion = {
  readonly __typename?: 'TemplateVersion';
  /** The approval e-signature, once approved. */
  readonly approval?: Maybe<Signature>;
  /** Who wrote this version. */
  readonly author: Scalars['String']['output'];
  /** What changed in this version. */
  readonly changeSummary?: Maybe<Scalars['String']['output']>;
  /** sha256 of the canonical JSON of the document (its identity once published). */
  readonly contentSha256: Scalars['String']['output'];
  /** When the draft was created. */
  readonly createdAt: Scalars['DateTime']['output'];
  /** The full ProcessTemplate document. */
  readonly document: Scalars['JSON']['output'];
  /** Template key. */
  readonly key: Scalars['String']['output'];
  /** The COE team that owns it. */
  readonly owner?: Maybe<Scalars['String']['output']>;
  /** The configuration surface, parameter by parameter. */
  readonly parameters: ReadonlyArray<TemplateParameter>;
  /** When it was published. */
  readonly publishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Who published it. */
  readonly publishedBy?: Maybe<Scalars['String']['output']>;
  /** Lifecycle state. */
  readonly status: TemplateStatus;
  /** Title. */
  readonly title: Scalars['String']['output'];
  /** When it last changed. */
  readonly updatedAt: Scalars['DateTime']['output'];
  /** Semantic version. */
  readonly version: Scalars['String']['output'];
};

/** The template version after the step, or why not. */
export type TemplateVersionResult = BadInput | Conflict | NotFound | SignatureRejected | TemplateVersion | ValidationFailed;

/** A process moving from one site to another. */
export type Transfer = {
  readonly __typename?: 'Transfer';
  /** Per side: signer, signature id, reason. */
  readonly approvals: Scalars['JSON']['output'];
  /** When it ended. */
  readonly finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Transfer id. */
  readonly id: Scalars['String']['output'];
  /** Units the target must produce first. */
  readonly minUnits: Scalars['Int']['output'];
  /** The target's overlay revision. */
  readonly overlayVersion?: Maybe<Scalars['Int']['output']>;
  /** The package as kept at the start: baseline, carried values, decisions, equipment, proposed overlay, changes. */
  readonly package: Scalars['JSON']['output'];
  /** The latest measurement: target units, right-first-time with its interval, the difference to the source with its interval, the window's deadline; and `history`, each measurement that counted new units (at, units, value, low, high), for a chart of the interval narrowing (at most 200 points, thinned evenly). */
  readonly qualification: Scalars['JSON']['output'];
  /** What it waits for, or why it ended. */
  readonly reason?: Maybe<Scalars['String']['output']>;
  /** Source site. */
  readonly source: Scalars['String']['output'];
  /** When (UTC). */
  readonly startedAt: Scalars['DateTime']['output'];
  /** Who started it. */
  readonly startedBy: Scalars['String']['output'];
  /** awaiting_overlay, awaiting_approval, deploying, qualifying, awaiting_decision, qualified, failed, cancelled. */
  readonly status: Scalars['String']['output'];
  /** Target site. */
  readonly target: Scalars['String']['output'];
  /** Template key. */
  readonly template: Scalars['String']['output'];
  /** The workflow in the Temporal UI. */
  readonly temporalUrl: Scalars['String']['output'];
  /** How much worse than the source the target may be (right-first-time, lower end of the 95 % interval of the difference). */
  readonly tolerance: Scalars['Float']['output'];
  /** Last change (UTC). */
  readonly updatedAt: Scalars['DateTime']['output'];
  /** Template version transferred. */
  readonly version: Scalars['String']['output'];
  /** The package's warnings at the start (e.g. a baseline with fewer units than the qualification needs to mean anything). */
  readonly warnings: ReadonlyArray<Scalars['String']['output']>;
  /** Length of the qualification window. */
  readonly windowSeconds: Scalars['Float']['output'];
};

/** The source's KPIs the target must reach. */
export type TransferBaseline = {
  readonly __typename?: 'TransferBaseline';
  /** Batches behind release velocity. */
  readonly batchesReleased: Scalars['Int']['output'];
  /** First day (UTC). */
  readonly from: Scalars['Date']['output'];
  /** Median release time. */
  readonly releaseMedianHours?: Maybe<Scalars['Float']['output']>;
  /** 90th percentile (hours). */
  readonly releaseP90Hours?: Maybe<Scalars['Float']['output']>;
  /** Rework ratio, with counts. */
  readonly reworkRatio: RatioType;
  /** Right-first-time, with counts. */
  readonly rightFirstTime: RatioType;
  /** Scrap ratio, with counts. */
  readonly scrapRatio: RatioType;
  /** Day after the last (UTC). */
  readonly to: Scalars['Date']['output'];
  /** The version whose units make the baseline. */
  readonly version: Scalars['String']['output'];
};

/** One page of a list. */
export type TransferConnection = {
  readonly __typename?: 'TransferConnection';
  /** The items on this page. */
  readonly nodes: ReadonlyArray<Transfer>;
  /** How to fetch the next page. */
  readonly pageInfo: PageInfo;
  /** How many items match, over all pages. */
  readonly totalCount: Scalars['Int']['output'];
};

/** A value the target must choose itself. */
export type TransferDecision = {
  readonly __typename?: 'TransferDecision';
  /** What the target chose, if it did. */
  readonly chosen?: Maybe<Scalars['JSON']['output']>;
  /** Template parameter. */
  readonly parameter: Scalars['String']['output'];
  /** Why the target decides it. */
  readonly reason: Scalars['String']['output'];
  /** Whether the target has chosen. */
  readonly resolved: Scalars['Boolean']['output'];
  /** What the source uses. */
  readonly sourceValue?: Maybe<Scalars['JSON']['output']>;
};

/** What a transfer moves: the source's definition and baseline, the proposed target overlay, the decisions left to the target, equipment, and what differs. */
export type TransferPackage = {
  readonly __typename?: 'TransferPackage';
  /** The source's KPIs in the window. */
  readonly baseline: TransferBaseline;
  /** What blocks the transfer (missing equipment, invalid values). */
  readonly blockers: ReadonlyArray<Violation>;
  /** Values carried over from the source. */
  readonly carried: Scalars['JSON']['output'];
  /** The source's extension steps carried over (point/step). */
  readonly carriedSteps: ReadonlyArray<Scalars['String']['output']>;
  /** What differs between the source's definition and the target's proposed one. */
  readonly changes: ReadonlyArray<DefinitionChange>;
  /** What the target decides. */
  readonly decisions: ReadonlyArray<TransferDecision>;
  /** Equipment the process needs. */
  readonly equipment: ReadonlyArray<EquipmentNeed>;
  /** The target's proposed overlay. */
  readonly proposedOverlay: Scalars['JSON']['output'];
  /** No blockers and every decision made. */
  readonly ready: Scalars['Boolean']['output'];
  /** Source site. */
  readonly source: Scalars['String']['output'];
  /** The source's effective definition. */
  readonly sourceDefinition: Scalars['JSON']['output'];
  /** The source's overlay. */
  readonly sourceOverlay?: Maybe<Scalars['JSON']['output']>;
  /** The source's effective definition hash. */
  readonly sourceSha256: Scalars['String']['output'];
  /** Target site. */
  readonly target: Scalars['String']['output'];
  /** Hash of the proposed definition. */
  readonly targetSha256?: Maybe<Scalars['String']['output']>;
  /** Template key. */
  readonly template: Scalars['String']['output'];
  /** The version the source runs (transferred). */
  readonly version: Scalars['String']['output'];
  /** What makes the qualification weaker than it looks: a baseline with fewer units than a comparison at the tolerance needs, or a baseline version other than the one the source runs now. */
  readonly warnings: ReadonlyArray<Scalars['String']['output']>;
};

/** The transfer after the step, or why not. */
export type TransferResult = BadInput | Conflict | NotFound | SignatureRejected | Transfer | ValidationFailed;

/** A site's effective value outside what the version's validation exercised. */
export type UncoveredParameter = {
  readonly __typename?: 'UncoveredParameter';
  /** The parameter, by the version's name. */
  readonly parameter: Scalars['String']['output'];
  /** What was validated: a range (170 to 190), a set ({de, en}) or 'not validated'. */
  readonly validated: Scalars['String']['output'];
  /** The site's effective value. */
  readonly value: Scalars['JSON']['output'];
};

/** Which sites a new version would break, why. */
export type UpgradeImpact = {
  readonly __typename?: 'UpgradeImpact';
  /** For every site of `sites` that uses the template: whether its definition of the candidate version lies inside the version's validated design space (covered by validation) or not (site verification required, naming the parameters and extension steps outside it). Computed only when asked for. */
  readonly coverage: ReadonlyArray<SiteCoverage>;
  /** What changed between the two. */
  readonly diff: TemplateDiff;
  /** The version sites run now. */
  readonly fromVersion: Scalars['String']['output'];
  /** Every site the caller may see. */
  readonly sites: ReadonlyArray<SiteImpact>;
  /** Template key. */
  readonly template: Scalars['String']['output'];
  /** The candidate version. */
  readonly toVersion: Scalars['String']['output'];
};

/** Unscripted testing of the not-high-risk operations. */
export type ValidationCharter = {
  readonly __typename?: 'ValidationCharter';
  /** What to explore. */
  readonly mission: Scalars['String']['output'];
  /** The operations it covers. */
  readonly operations: ReadonlyArray<Scalars['String']['output']>;
  /** How long the session lasts (2h). */
  readonly timebox: Scalars['String']['output'];
};

/** What running the automated checks did. */
export type ValidationChecksRun = {
  readonly __typename?: 'ValidationChecksRun';
  /** The current result of every check run (limits:<TC-ID>, deployment:<site>). */
  readonly checks: ReadonlyArray<ValidationResult>;
  /** What was not checked and why (e.g. no deployment to the validation environment yet). */
  readonly notes: ReadonlyArray<Scalars['String']['output']>;
  /** The record, with the checks. */
  readonly record: ValidationRecord;
  /** How many of them are new (a check whose outcome and actual result did not change is not recorded again). */
  readonly recorded: Scalars['Int']['output'];
};

/** The conclusion of a validation record, e-signed approved by a QA approver who neither authored the template version nor tested it. */
export type ValidationConclusion = {
  readonly __typename?: 'ValidationConclusion';
  /** When it was concluded (UTC). */
  readonly concludedAt: Scalars['DateTime']['output'];
  /** The approver's e-signature (meaning approved): printed name, UTC date and time, meaning (Part 11 §11.50), linked to the record (§11.70). */
  readonly signature?: Maybe<Signature>;
  /** The conclusion, as the approver wrote it. */
  readonly text: Scalars['String']['output'];
};

/** An issue found while validating, opened and closed with reasons (CSA: issues and their resolution). */
export type ValidationDeviation = {
  readonly __typename?: 'ValidationDeviation';
  /** When it was closed (UTC). */
  readonly closedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Who closed it. */
  readonly closedBy?: Maybe<Scalars['String']['output']>;
  /** What was found, in full. */
  readonly description: Scalars['String']['output'];
  /** DEV-1, DEV-2, … within the record. */
  readonly key: Scalars['String']['output'];
  /** When it was opened (UTC). */
  readonly openedAt: Scalars['DateTime']['output'];
  /** Who opened it. */
  readonly openedBy: Scalars['String']['output'];
  /** How it was resolved, once closed. */
  readonly resolution?: Maybe<Scalars['String']['output']>;
  /** open or closed. */
  readonly status: ValidationDeviationStatus;
  /** The test case it concerns, if any. */
  readonly testCase?: Maybe<Scalars['String']['output']>;
  /** What went wrong, in a line. */
  readonly title: Scalars['String']['output'];
};

/** A deviation opened or closed, and the record it belongs to. */
export type ValidationDeviationChanged = {
  readonly __typename?: 'ValidationDeviationChanged';
  /** The deviation as stored. */
  readonly deviation: ValidationDeviation;
  /** The record, with it. */
  readonly record: ValidationRecord;
};

/** The deviation opened or closed, or why nothing changed. */
export type ValidationDeviationResult = BadInput | Conflict | NotFound | SignatureRejected | ValidationDeviationChanged | ValidationFailed;

/** open: being worked on (blocks the conclusion); closed: resolved. */
export type ValidationDeviationStatus =
  | 'CLOSED'
  | 'OPEN';

/** An evidence attachment, by its hash. */
export type ValidationEvidence = {
  readonly __typename?: 'ValidationEvidence';
  /** File name (or a short label) of the evidence. */
  readonly name: Scalars['String']['output'];
  /** sha256 of the evidence file's bytes. */
  readonly sha256: Scalars['String']['output'];
};

/** An evidence attachment. */
export type ValidationEvidenceInput = {
  /** File name (or a short label) of the evidence. */
  readonly name: Scalars['String']['input'];
  /** sha256 of the evidence file's bytes: 64 lower-case hexadecimal digits. */
  readonly sha256: Scalars['String']['input'];
};

/** The input broke domain rules; `violations` says each, where and why. */
export type ValidationFailed = Problem & {
  readonly __typename?: 'ValidationFailed';
  /** Stable code. */
  readonly code: ProblemCode;
  /** Facts a client may show or act on (e.g. `status` of the object, `attempts` and `lockedUntil` of a signing lock); absent when there are none. */
  readonly details?: Maybe<Scalars['JSON']['output']>;
  /** What went wrong and where, in plain words. */
  readonly message: Scalars['String']['output'];
  /** Every problem found. */
  readonly violations: ReadonlyArray<Violation>;
};

/** PASS or FAIL: the outcome of a test. */
export type ValidationOutcome =
  | 'FAIL'
  | 'PASS';

/** The CSA validation record of one template version: intended use, risk per operation, scripted test cases and charter (the ValidationRecord document as saved), and where its execution stands. */
export type ValidationRecord = {
  readonly __typename?: 'ValidationRecord';
  /** Who saved the current document. */
  readonly authoredBy: Scalars['String']['output'];
  /** The unscripted test charter, if any. */
  readonly charter?: Maybe<ValidationCharter>;
  /** The signed conclusion, once concluded (the record is frozen). */
  readonly conclusion?: Maybe<ValidationConclusion>;
  /** What still stands in the way of concluding the record, in words (open deviations, test cases without a passed latest result, automated checks not run or failed); empty when a QA approver who neither authored the version nor tested it may conclude, and once concluded. */
  readonly conclusionBlockers: ReadonlyArray<Scalars['String']['output']>;
  /** When the record was first saved. */
  readonly createdAt: Scalars['DateTime']['output'];
  /** Every deviation, in the order they were opened. */
  readonly deviations: ReadonlyArray<ValidationDeviation>;
  /** The full ValidationRecord document. */
  readonly document: Scalars['JSON']['output'];
  /** sha256 of the canonical JSON of the ValidationRecord document. */
  readonly documentSha256: Scalars['String']['output'];
  /** Every result ever recorded, newest first. */
  readonly history: ReadonlyArray<ValidationResult>;
  /** What the process is used for (CSA). */
  readonly intendedUse: Scalars['String']['output'];
  /** The earlier version whose results test cases marked reuse may carry over. */
  readonly previous?: Maybe<Scalars['String']['output']>;
  /** The latest result of each test case and automated check (what counts): the scripted test cases in record order, CHARTER, the limit checks, the deployments. */
  readonly results: ReadonlyArray<ValidationResult>;
  /** The risk of every operation. */
  readonly risk: ReadonlyArray<ValidationRisk>;
  /** open or approved (frozen). */
  readonly status: ValidationStatus;
  /** Template key. */
  readonly template: Scalars['String']['output'];
  /** Content sha256 of the template version when the record was saved. */
  readonly templateSha256: Scalars['String']['output'];
  /** The scripted test cases. */
  readonly testCases: ReadonlyArray<ValidationTestCase>;
  /** The record's title. */
  readonly title: Scalars['String']['output'];
  /** When its document last changed. */
  readonly updatedAt: Scalars['DateTime']['output'];
  /** The template version it validates. */
  readonly version: Scalars['String']['output'];
};

/** One execution of a test case (TC-SEAL-1, CHARTER) or of an automated check (limits:<TC-ID>, deployment:<site>). The latest per test case counts. */
export type ValidationResult = {
  readonly __typename?: 'ValidationResult';
  /** What actually happened (the actual result). */
  readonly actual: Scalars['String']['output'];
  /** Evidence attachments by sha256. */
  readonly evidence: ReadonlyArray<ValidationEvidence>;
  /** When (UTC). */
  readonly executedAt: Scalars['DateTime']['output'];
  /** Who executed it (for automated checks: who had the platform run them). */
  readonly executedBy: Scalars['String']['output'];
  /** Result id. */
  readonly id: Scalars['Int']['output'];
  /** automated, manual or reused. */
  readonly kind: ValidationResultKind;
  /** PASS or FAIL. */
  readonly outcome: ValidationOutcome;
  /** The parameter values the execution exercised, by name. */
  readonly parameters: Scalars['JSON']['output'];
  /** For a reused result: the earlier version whose approved record it comes from. */
  readonly reusedFrom?: Maybe<Scalars['String']['output']>;
  /** The tester's e-signature (meaning tested): printed name, UTC date and time, meaning (Part 11 §11.50), linked to this result (§11.70). None for automated checks; for a reused result, the original tester's signature. */
  readonly signature?: Maybe<Signature>;
  /** The test case or check: a test case id, CHARTER, limits:<TC-ID> or deployment:<site>. */
  readonly testCase: Scalars['String']['output'];
};

/** automated: a check the platform ran itself (a system record); manual: recorded and e-signed (tested) by a tester; reused: carried from the previous version's approved record for an unchanged operation. */
export type ValidationResultKind =
  | 'AUTOMATED'
  | 'MANUAL'
  | 'REUSED';

/** Results reused from the previous version's approved record. */
export type ValidationResultsReused = {
  readonly __typename?: 'ValidationResultsReused';
  /** Each test case marked reuse that was not reused, and why. */
  readonly notReused: ReadonlyArray<Scalars['String']['output']>;
  /** The record, with them. */
  readonly record: ValidationRecord;
  /** The results copied (kind reused), one per test case. */
  readonly reused: ReadonlyArray<ValidationResult>;
};

/** The process risk of one operation. */
export type ValidationRisk = {
  readonly __typename?: 'ValidationRisk';
  /** high or not-high. */
  readonly level: RiskLevel;
  /** Operation id of the template version. */
  readonly operation: Scalars['String']['output'];
  /** Why the operation has this level. */
  readonly rationale: Scalars['String']['output'];
};

/** open: being executed; approved: concluded by a signed conclusion, frozen. */
export type ValidationStatus =
  | 'APPROVED'
  | 'OPEN';

/** A scripted test case of one operation. */
export type ValidationTestCase = {
  readonly __typename?: 'ValidationTestCase';
  /** Test case id, unique in the record (TC-SEAL-1). */
  readonly id: Scalars['String']['output'];
  /** The operation it tests. */
  readonly operation: Scalars['String']['output'];
  /** The parameter values it exercises, by name (others at their default). */
  readonly parameters: Scalars['JSON']['output'];
  /** Whether the previous version's result may be reused when the operation is unchanged. */
  readonly reuse: Scalars['Boolean']['output'];
  /** Its steps, in order. */
  readonly steps: ReadonlyArray<ValidationTestStep>;
  /** What it shows. */
  readonly title: Scalars['String']['output'];
};

/** One step of a scripted test case. */
export type ValidationTestStep = {
  readonly __typename?: 'ValidationTestStep';
  /** What the tester does. */
  readonly action: Scalars['String']['output'];
  /** The result that passes the step. */
  readonly expected: Scalars['String']['output'];
};

/** A KPI under two versions at one site, and the difference. */
export type VersionComparison = {
  readonly __typename?: 'VersionComparison';
  /** Under the newer version. */
  readonly after: RatioType;
  /** Under the older version. */
  readonly before: RatioType;
  /** after - before. */
  readonly difference?: Maybe<Scalars['Float']['output']>;
  /** 95 % interval of the difference (high). */
  readonly high?: Maybe<Scalars['Float']['output']>;
  /** 95 % interval of the difference (low). */
  readonly low?: Maybe<Scalars['Float']['output']>;
  /** The interval excludes zero. */
  readonly significant: Scalars['Boolean']['output'];
  /** Site key, or `enterprise`. */
  readonly site: Scalars['String']['output'];
};

/** Before/after: a version's KPI against its predecessor's. */
export type VersionReport = {
  readonly __typename?: 'VersionReport';
  /** With `warning`: the first day with data the caller can see (none at all: null). */
  readonly dataFrom?: Maybe<Scalars['Date']['output']>;
  /** With `warning`: the last day with data the caller can see. */
  readonly dataTo?: Maybe<Scalars['Date']['output']>;
  /** The sites that ran both versions in the window, pooled (sites that ran only one are left out so that the two figures cover the same plants). */
  readonly enterprise: VersionComparison;
  /** The older version. */
  readonly fromVersion: Scalars['String']['output'];
  /** The KPI compared. */
  readonly metric: KpiMetric;
  /** Per site. */
  readonly sites: ReadonlyArray<VersionComparison>;
  /** Template key. */
  readonly template: Scalars['String']['output'];
  /** The newer version. */
  readonly toVersion: Scalars['String']['output'];
  /** Set when the window holds no data: says so and names the days that do (for the caller's sites and the same filters). */
  readonly warning?: Maybe<Scalars['String']['output']>;
};

/** One problem: where (JSON pointer), why, and how bad. */
export type Violation = {
  readonly __typename?: 'Violation';
  /** JSON pointer into the document. */
  readonly path: Scalars['String']['output'];
  /** What is wrong, in plain words. */
  readonly reason: Scalars['String']['output'];
  /** error (refused) or warning. */
  readonly severity: Severity;
};

/** A line or cell within an area (ISA-95 work center). */
export type WorkCenter = {
  readonly __typename?: 'WorkCenter';
  /** Equipment classes this work center provides (what processes it can run). */
  readonly equipmentClasses: ReadonlyArray<Scalars['String']['output']>;
  /** Key, unique within the site. */
  readonly key: Scalars['String']['output'];
  /** Display name. */
  readonly name: Scalars['String']['output'];
  /** The work units of this work center. */
  readonly workUnits: ReadonlyArray<WorkUnit>;
};

/** The work center, or why not. */
export type WorkCenterResult = BadInput | Conflict | NotFound | SignatureRejected | ValidationFailed | WorkCenter;

/** A machine or station within a work center (ISA-95 work unit). */
export type WorkUnit = {
  readonly __typename?: 'WorkUnit';
  /** Equipment class of the unit. */
  readonly equipmentClass?: Maybe<Scalars['String']['output']>;
  /** Key, unique within the site. */
  readonly key: Scalars['String']['output'];
  /** Display name. */
  readonly name: Scalars['String']['output'];
};

/** The work unit, or why not. */
export type WorkUnitResult = BadInput | Conflict | NotFound | SignatureRejected | ValidationFailed | WorkUnit;
