// A line diff of two texts (jsdiff), added lines green, removed lines struck through.
import { diffLines } from "diff";

export function TextDiff({
  before,
  after,
  label = "Changes",
}: {
  readonly before: string;
  readonly after: string;
  readonly label?: string;
}) {
  const parts = diffLines(before, after);
  if (parts.every((part) => !part.added && !part.removed)) {
    return <p className="state state-empty">No changes.</p>;
  }
  return (
    <pre className="diff" aria-label={label} tabIndex={0}>
      {parts.map((part, index) => (
        <span
          key={index}
          className={part.added ? "diff-add" : part.removed ? "diff-del" : undefined}
        >
          {part.value
            .replace(/\n$/, "")
            .split("\n")
            .map((line) => `${part.added ? "+ " : part.removed ? "- " : "  "}${line}`)
            .join("\n") + "\n"}
        </span>
      ))}
    </pre>
  );
}
