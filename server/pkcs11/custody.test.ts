import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HaGroup } from "./ha";
import { assertCustody } from "./ha-custody";
import { type HaMember, wrapTransport } from "./ha-transports";
import { readDomainKeyTemplates } from "./native/cloning-key";
import { SOFTHSM_LIBRARY } from "./softhsm";
import { ATTACKS, type AttackResult, runAttack } from "@/lab/testing/attacks";
import {
  clientFor,
  installCloningKey,
  type SoftHsmFixture,
  softHsmFixture,
  USER_PIN,
} from "./testing/fixtures";

/**
 * Key custody of a local module HA group (issue #13): a partition user with the partition password
 * and any PKCS#11 call, in a process of its own, on the member that generated a key and on a
 * replica. Every attack must be refused where the cloning-domain key carries its templates; where
 * the token does not enforce them the group must report the key cloneable.
 */
const DOMAIN = "cloning-domain";
const KEY = "c1";

async function haGroup(labels: string[], templates: boolean) {
  const fixtures: SoftHsmFixture[] = [];
  const members: HaMember[] = [];
  const value = randomBytes(32);
  for (const label of labels) {
    const hsm = await softHsmFixture([label]);
    fixtures.push(hsm);
    await installCloningKey(hsm, [label], DOMAIN, value, { templates });
    const client = clientFor(hsm.spec(label));
    await client.login({ label }, USER_PIN);
    members.push({ name: label, client, token: { label } });
  }
  value.fill(0);
  const group = new HaGroup({ name: labels.join("+"), members, transport: wrapTransport(DOMAIN) });
  return { fixtures, members, group };
}

type Group = Awaited<ReturnType<typeof haGroup>>;

function roles(g: Group, source: string) {
  const at = (name: string) => g.members.findIndex((m) => m.name === name);
  const replica = g.members.find((m) => m.name !== source)!.name;
  return [
    { role: "the generating member", index: at(source) },
    { role: "a replica", index: at(replica) },
  ];
}

function attack(g: Group, index: number, name: (typeof ATTACKS)[number]): Promise<AttackResult> {
  const m = g.members[index]!;
  return runAttack(
    {
      attack: name,
      module: SOFTHSM_LIBRARY,
      token: m.token.label,
      pin: USER_PIN,
      idHex: KEY,
      domainLabel: DOMAIN,
    },
    { SOFTHSM2_CONF: g.fixtures[index]!.confPath },
  );
}

describe("key custody: domain key with CKA_UNWRAP_TEMPLATE (SoftHSM 2.6.1 enforces it)", () => {
  let g: Group;
  let source = "";

  beforeAll(async () => {
    g = await haGroup(["cu-1", "cu-2"], true);
    await g.group.enable();
    const made = await g.group.generateKeyPair({
      idHex: KEY,
      label: "custody",
      spec: { type: "RSA", bits: 2048 },
    });
    expect(made.replication.failed).toEqual([]);
    source = made.replication.source;
  });

  afterAll(async () => {
    await Promise.all((g?.members ?? []).map((m) => m.client.connection.close()));
    await Promise.all((g?.fixtures ?? []).map((f) => f.cleanup()));
  });

  it("the token stores both templates as the security officer set them (read back by the helper)", async () => {
    const t = await readDomainKeyTemplates({
      libraryPath: SOFTHSM_LIBRARY,
      env: { SOFTHSM2_CONF: g.fixtures[0]!.confPath },
      token: "cu-1",
      label: DOMAIN,
    });
    // CKA_CLASS(0)=CKO_PRIVATE_KEY(3), CKA_SENSITIVE(0x103)=true, CKA_EXTRACTABLE(0x162)=false;
    // CKA_WRAP_WITH_TRUSTED(0x210)=true.
    expect(t).toEqual({ unwrapTemplate: { "0": 3, "259": 1, "354": 0 }, wrapTemplate: { "528": 1 } });
  });

  it("every member measures as enforcing: HA keys are not cloneable", async () => {
    expect(assertCustody(await g.group.measureCustody()).map((c) => c.cloneable)).toEqual([false, false]);
  });

  for (const name of ATTACKS) {
    for (const at of [0, 1]) {
      it(`${name} is refused on ${at === 0 ? "the generating member" : "a replica"}`, async () => {
        const { index, role } = roles(g, source)[at]!;
        const result = await attack(g, index, name);
        expect(result, `${name} on ${role}`).toMatchObject({
          outcome: "refused",
          ckr: expect.stringMatching(/^CKR_/),
        });
      });
    }
  }
});

describe("key custody: domain key WITHOUT the templates (a token that does not enforce them)", () => {
  let g: Group;
  let source = "";

  beforeAll(async () => {
    g = await haGroup(["lg-1", "lg-2"], false);
  });

  afterAll(async () => {
    await Promise.all((g?.members ?? []).map((m) => m.client.connection.close()));
    await Promise.all((g?.fixtures ?? []).map((f) => f.cleanup()));
  });

  it("HA is refused without the explicit opt-in, naming what cloneable means", async () => {
    await expect(g.group.measureCustody().then((c) => assertCustody(c))).rejects.toMatchObject({
      code: "CONFLICT",
      field: "allowCloneable",
      message: expect.stringContaining("copy the key out of the HSM in plaintext"),
    });
  });

  it("with the opt-in, HA works and every member is reported cloneable", async () => {
    const custody = assertCustody(await g.group.measureCustody(), { allowCloneable: true });
    expect(custody.map((c) => c.cloneable)).toEqual([true, true]);
    await g.group.enable();
    const made = await g.group.generateKeyPair({
      idHex: KEY,
      label: "legacy",
      spec: { type: "RSA", bits: 2048 },
    });
    source = made.replication.source;
  });

  // Honest: here the token cannot stop these on the generating member; the label is the control.
  for (const name of ATTACKS.filter((a) => a.startsWith("domain-wrap"))) {
    it(`${name}: refused on the replica; on the generating member it succeeds only where the key is labelled cloneable`, async () => {
      const [gen, replica] = roles(g, source);
      expect(await attack(g, replica!.index, name)).toMatchObject({ outcome: "refused" });
      const result = await attack(g, gen!.index, name);
      if (result.outcome === "leaked") {
        const custody = await g.group.measureCustody();
        expect(custody.find((c) => c.member === source)?.cloneable).toBe(true);
      }
    });
  }

  it("a key created without HA stays never-extractable even here", async () => {
    const m = g.members[0]!;
    const key = await m.client.generateKeyPair({
      token: m.token,
      idHex: "c2",
      label: "solo",
      spec: { type: "EC", curve: "P-256" },
    });
    expect(key).toMatchObject({ extractable: false, neverExtractable: true, wrapWithTrusted: false });
    const r = await runAttack(
      {
        attack: "domain-wrap-unwrap-nonsensitive",
        module: SOFTHSM_LIBRARY,
        token: m.token.label,
        pin: USER_PIN,
        idHex: "c2",
        domainLabel: DOMAIN,
      },
      { SOFTHSM2_CONF: g.fixtures[0]!.confPath },
    );
    expect(r).toMatchObject({ outcome: "refused", ckr: "CKR_KEY_UNEXTRACTABLE" });
  });
});
