// Two (or one) version selects whose values live in the URL (shareable links).
import { useId } from "react";

import { useApiQuery } from "../../api/hooks";
import { TemplatesListDocument } from "../../generated/graphql";
import { StatusBadge } from "./StatusBadge";
import { statusLabels } from "./model";

/** The versions of a template the user may see, newest first (from the list query). */
export function useVersions(key: string) {
  const query = useApiQuery(TemplatesListDocument, { first: 100, after: null });
  const template = query.data?.templates.nodes.find((node) => node.key === key);
  return { query, template, versions: template?.versions ?? [] };
}

export function VersionSelect({
  label,
  value,
  versions,
  onChange,
  allowNone,
}: {
  readonly label: string;
  readonly value: string;
  readonly versions: ReturnType<typeof useVersions>["versions"];
  readonly onChange: (version: string) => void;
  readonly allowNone?: string;
}) {
  const id = useId();
  const current = versions.find((version) => version.version === value);
  return (
    <span className="version-select">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {allowNone !== undefined ? <option value="">{allowNone}</option> : null}
        {value && !current ? <option value={value}>{value}</option> : null}
        {versions.map((version) => (
          <option key={version.version} value={version.version}>
            {version.version} ({statusLabels[version.status]})
          </option>
        ))}
      </select>
      {current ? <StatusBadge status={current.status} /> : null}
    </span>
  );
}
