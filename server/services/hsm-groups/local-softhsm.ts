import fs from "node:fs";
import { decryptSecret, encryptSecret } from "@/server/crypto/secrets";
import { randomToken } from "@/server/crypto/tokens";
import {
  builtInGroup,
  claimLocalToken,
  insertGroup,
  insertLocalTokenIfMissing,
  insertServers,
  localToken,
  setLocalTokenSerial,
  updateGroup,
  updateServersOf,
} from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import { createSoftHsmEnvironment, initSoftHsmToken, pkcs11, SOFTHSM_LIBRARY } from "@/server/pkcs11";
import { localSoftHsmDir, localSoftHsmEnv } from "@/server/hsm/local-softhsm-env";
import { LOCAL_HSM_GROUP, localGroupName, localHsmNode } from "@/server/hsm/local-softhsm-node";
import { ensureDefaultTenant } from "../bootstrap/ensure-default-tenant";

export const LOCAL_HSM_LABEL = "hsm-console-local";
export { LOCAL_HSM_GROUP };
const PENDING = "pending";

/**
 * The default HSM: a SoftHSM2 token in the data folder (never the system default), with
 * generated PINs kept encrypted in the database, exposed as the built-in HSM group of the
 * admin tenant. Intent first: the row with the PINs is written before the token is made, so a
 * crash in between is finished on the next start. Safe to run on every start. With several nodes
 * on one PostgreSQL each node has its own row and group ("Local-SoftHSM (node-a)"), and writes
 * only those.
 */
export async function ensureLocalHsm(
  db: Db,
): Promise<{ label: string; serial: string; created: boolean; group: string }> {
  const node = localHsmNode();
  const { tokenDir } = await createSoftHsmEnvironment(localSoftHsmDir());
  let row = await localToken(db, LOCAL_HSM_LABEL, node);
  if (!row && node && fs.readdirSync(tokenDir).length > 0) row = await claimSingleNodeToken(db, node);
  if (!row) {
    await insertLocalTokenIfMissing(db, {
      label: LOCAL_HSM_LABEL,
      serial: PENDING,
      libraryPath: SOFTHSM_LIBRARY,
      nodeName: node,
      userPinEnc: encryptSecret(randomToken(18), "local_hsm_tokens.user_pin"),
      soPinEnc: encryptSecret(randomToken(18), "local_hsm_tokens.so_pin"),
    });
    row = await localToken(db, LOCAL_HSM_LABEL, node);
  }
  if (!row) throw new Error("The local HSM token row could not be written");
  const userPin = decryptSecret(row.userPinEnc, "local_hsm_tokens.user_pin");
  let serial = row.serial;
  let created = false;
  const tokenExists = fs.readdirSync(tokenDir).length > 0;
  if (!tokenExists) {
    const soPin = decryptSecret(row.soPinEnc, "local_hsm_tokens.so_pin");
    serial = (
      await initSoftHsmToken({
        confPath: localSoftHsmEnv().SOFTHSM2_CONF!,
        label: LOCAL_HSM_LABEL,
        soPin,
        userPin,
      })
    ).serial;
    created = true;
  } else if (serial === PENDING) {
    serial = await serialFromToken();
  }
  if (serial !== row.serial) await setLocalTokenSerial(db, row.id, serial);
  await ensureBuiltInGroup(db, serial, userPin, node);
  return { label: LOCAL_HSM_LABEL, serial, created, group: localGroupName(node) };
}

/**
 * A console that ran alone and now shares PostgreSQL: the node that holds the single-node token
 * (same serial) keeps it, with its group and certificates, under its own name.
 */
async function claimSingleNodeToken(db: Db, node: string) {
  const single = await localToken(db, LOCAL_HSM_LABEL, null);
  if (!single || single.serial !== (await serialFromToken().catch(() => null))) return null;
  await claimLocalToken(db, single.id, node);
  const group = await builtInGroup(db, LOCAL_HSM_GROUP);
  if (group && !group.nodeName)
    await updateGroup(db, group.id, { name: localGroupName(node), nodeName: node });
  return localToken(db, LOCAL_HSM_LABEL, node);
}

async function serialFromToken(): Promise<string> {
  const slots = await pkcs11({
    name: "local-softhsm",
    libraryPath: SOFTHSM_LIBRARY,
    env: localSoftHsmEnv(),
  }).listSlots();
  const token = slots.find((s) => s.token?.label === LOCAL_HSM_LABEL)?.token;
  if (!token) throw new Error(`The local SoftHSM token "${LOCAL_HSM_LABEL}" is not in ${localSoftHsmDir()}`);
  return token.serial;
}

async function ensureBuiltInGroup(
  db: Db,
  serial: string,
  userPin: string,
  node: string | null,
): Promise<void> {
  const tenantId = await ensureDefaultTenant(db);
  await db.transaction(async (tx) => {
    const group = await insertGroup(
      tx,
      {
        tenantId,
        name: localGroupName(node),
        type: "pkcs11-module",
        builtIn: true,
        nodeName: node,
        moduleLibrary: SOFTHSM_LIBRARY,
      },
      true,
    );
    if (group) {
      await insertServers(tx, [
        {
          groupId: group.id,
          position: 0,
          partition: LOCAL_HSM_LABEL,
          partitionSerial: serial,
          partitionPasswordEnc: encryptSecret(userPin, "hsm_servers.partition_password"),
        },
      ]);
      return;
    }
    // Re-initialised token (data folder restored without tokens): keep the group, refresh the serial.
    const existing = await builtInGroup(tx, localGroupName(node), tenantId);
    if (existing) await updateServersOf(tx, existing.id, { partitionSerial: serial });
  });
}
