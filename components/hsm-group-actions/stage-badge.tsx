import type { StageResult } from "@/lib/schemas/hsm-group-actions";

const TEXT: Record<StageResult["status"], string> = {
  ok: "OK",
  failed: "Failed",
  skipped: "Skipped",
  "not-applicable": "Not applicable",
};
const CLASS: Record<StageResult["status"], string> = {
  ok: "badge success",
  failed: "badge failure",
  skipped: "badge",
  "not-applicable": "badge",
};

export function StageBadge({ status }: { status: StageResult["status"] }) {
  return <span className={CLASS[status]}>{TEXT[status]}</span>;
}
