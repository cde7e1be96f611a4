/** Runs one extraction attack (attack-script.ts) in its own process, as a partition user would. */
import { execFile } from "node:child_process";
import path from "node:path";
import type { Attack, AttackRequest, AttackResult } from "./attack-script";

export type { Attack, AttackResult };

/** Every attack of the suite (issue #13), each its own test. */
export const ATTACKS: Attack[] = [
  "domain-wrap-unwrap-nonsensitive",
  "domain-wrap-unwrap-extractable",
  "domain-wrap-decrypt-blob",
  "wrap-under-user-aes",
  "wrap-under-user-rsa",
  "copy-drop-sensitive",
  "copy-set-extractable",
  "set-sensitive-false",
  "set-extractable-true",
  "domain-copy-drop-sensitive",
  "domain-copy-set-extractable",
  "domain-set-sensitive-false",
  "domain-set-extractable-true",
  "read-private-value",
  "read-domain-value",
];

const SCRIPT = path.join(process.cwd(), "lab/testing/attack-script.ts");

export function runAttack(req: AttackRequest, env: Record<string, string>): Promise<AttackResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", SCRIPT, JSON.stringify(req)],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const last = stdout.trim().split("\n").pop() ?? "";
        try {
          const out = JSON.parse(last) as AttackResult & { error?: string };
          if (out.error) return reject(new Error(`attack ${req.attack}: ${out.error}`));
          resolve(out);
        } catch {
          reject(new Error(`attack ${req.attack} gave no answer: ${error?.message ?? ""} ${stderr}`));
        }
      },
    );
  });
}
