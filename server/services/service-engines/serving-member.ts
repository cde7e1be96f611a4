import { AppError, isAppError } from "@/lib/errors";
import type { ServiceEngine, ServiceEngineSpec, ServiceEngineStatus } from "@/server/dataplane";
import { type SeRow, updateEngine } from "@/server/aggregates/se-groups";
import type { Db } from "@/server/db";
import { type SpecCandidate, specCandidates } from "./build-spec";
import { type MemberMode, noMemberServes } from "./network-hsm-access";

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The SE's spec without the virtual services that could not be served (id → why). */
export function withoutServices(spec: ServiceEngineSpec, excluded: Map<string, string>): ServiceEngineSpec {
  return { ...spec, virtualServices: spec.virtualServices.filter((v) => !excluded.has(v.id)) };
}

/** The virtual service a failed check names, if the failure is that service's alone. */
export function failingService(error: unknown): string | undefined {
  const vs = isAppError(error) ? error.details?.virtualService : undefined;
  return typeof vs === "string" ? vs : undefined;
}

/**
 * Why a member could not serve, in the words the SE list shows. A refused password, an invisible
 * partition or a dead link concern the whole member; a missing key or a certificate that does not
 * match concerns one virtual service (`vsOnly`: another member may hold it, or the rest may run).
 */
function causeOnMember(error: unknown): { text: string; vsOnly: boolean; memberWide: boolean } {
  const cause = isAppError(error) ? error.details?.cause : undefined;
  return {
    ...describeCause(error, cause),
    memberWide: cause === "hsm-unreachable" || cause === "partition-not-visible",
  };
}

function describeCause(error: unknown, cause: unknown): { text: string; vsOnly: boolean } {
  const keyUri = isAppError(error) ? error.details?.keyUri : undefined;
  if (cause === "key-not-found") return { text: `key not found on this member (${keyUri})`, vsOnly: true };
  if (cause === "partition-locked")
    return { text: "partition locked (the partition password was refused)", vsOnly: false };
  if (cause === "partition-not-visible")
    return { text: "client not registered (the partition is not visible to this SE)", vsOnly: false };
  if (cause === "hsm-unreachable")
    return { text: "HSM unreachable (the link failed while loading the key)", vsOnly: false };
  return { text: message(error), vsOnly: failingService(error) !== undefined };
}

export interface ServedOnMember {
  status: ServiceEngineStatus;
  /** Virtual services left out (their key is on no member that answers): id → why. */
  excluded: Map<string, string>;
  member: string | null;
}

/**
 * Restarts an SE where it can serve: each member of its HSM group in order (see MemberMode), with the key URIs of that member, until one serves every
 * virtual service. When none does but one
 * lacks only some keys, the SE runs there without those virtual services (the others must not
 * suffer). Otherwise throws HSM_UNAVAILABLE naming each member's cause; `details.touched` false
 * means no member answered at all, so the running SE was left as it was.
 */
export async function restartOnServingMember(
  db: Db,
  se: SeRow,
  engine: ServiceEngine,
  mode: MemberMode = "restart",
): Promise<ServedOnMember> {
  const refused: string[] = [];
  const { hsmGroup, candidates } = await specCandidates(db, se, refused, mode);
  let partial: SpecCandidate | null = null;
  let touched = false;
  for await (const candidate of candidates) {
    touched = true;
    try {
      const status = await engine.restart(candidate.spec);
      await applied(db, se);
      return { status, excluded: new Map(), member: candidate.member };
    } catch (error) {
      const { text, vsOnly, memberWide } = causeOnMember(error);
      // A refused NTLS link looks like a dead one from the engine: ask the appliance which it is.
      const refusal = memberWide ? await candidate.whyRefused?.().catch(() => null) : null;
      const why = refusal ?? text;
      refused.push(candidate.member ? `${candidate.member}: ${why}` : why);
      if (vsOnly && !partial) partial = candidate;
    }
  }
  if (partial) {
    const excluded = new Map<string, string>();
    for (;;) {
      try {
        const status = await engine.restart(withoutServices(partial.spec, excluded));
        await applied(db, se);
        return { status, excluded, member: partial.member };
      } catch (error) {
        const vs = failingService(error);
        if (!vs || excluded.has(vs)) break;
        excluded.set(vs, message(error));
      }
    }
  }
  const error = noMemberServes(hsmGroup, se.name, refused);
  throw new AppError(error.code, error.message, {
    details: { touched, unreachableOnly: refused.every((r) => r.includes("HSM unreachable")) },
  });
}

/** The SE runs the configuration as it is now: a pending "restart required" is done. */
async function applied(db: Db, se: SeRow): Promise<void> {
  await updateEngine(db, se.id, { restartRequiredReason: null });
}
