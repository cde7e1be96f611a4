/**
 * The REST API and the CLI, declared once: each resource (named as in Avi's API) maps its HTTP
 * methods to tRPC procedures, so validation, authorization and audit are the browser's own.
 * Adding a feature's resource is one entry here. Plain data on purpose: the CLI imports it too.
 *
 *   GET    /api/<resource>               list      (?name=<n> looks up by nameField)
 *   GET    /api/<resource>/<uuid>        get       (falls back to list + id when absent)
 *   POST   /api/<resource>               create    (JSON body = the procedure's input)
 *   PUT    /api/<resource>/<uuid>        update    (body + { id })
 *   DELETE /api/<resource>/<uuid>        remove    ({ id })
 *   POST   /api/<resource>/<uuid>/<act>  actions[act] (body + { id })
 *   POST   /api/<resource>/<act>         collectionActions[act] (body), e.g. Avi's import
 * Read-only procedures that need an input beyond a uuid (slot lists, inventories) are actions too.
 * Sign-in and sign-out are not routed here: the sign-in page and Avi's POST /login, /logout.
 */
export interface RestResource {
  summary: string;
  list?: string;
  get?: string;
  create?: string;
  update?: string;
  remove?: string;
  actions?: Record<string, string>;
  /** Operations on the collection rather than one object (no uuid); never names a uuid. */
  collectionActions?: Record<string, string>;
  /** The field `?name=` and CLI names match (Avi's objects use "name"). */
  nameField: string;
  /** Columns of `show <resource>` tables in the CLI. */
  columns: string[];
}

export const RESOURCES = {
  user: {
    summary: "Local user accounts of your tenant",
    list: "users.list",
    create: "users.create",
    update: "users.update",
    remove: "users.remove",
    nameField: "username",
    columns: ["username", "role", "tenantName", "disabled", "lastLoginAt"],
  },
  tenant: {
    summary: "Tenants (all of them for the admin tenant, otherwise your own)",
    list: "tenants.list",
    create: "tenants.create",
    nameField: "name",
    columns: ["name", "createdAt"],
  },
  auditlog: {
    summary: "Audit log of your tenant, newest first (read-only)",
    list: "audit.list",
    nameField: "action",
    columns: ["at", "actorName", "action", "objectType", "objectName", "outcome"],
  },
  apitoken: {
    summary: "API tokens (your own; administrators see the tenant's)",
    list: "apiTokens.list",
    create: "apiTokens.create",
    remove: "apiTokens.revoke",
    actions: { revoke: "apiTokens.revoke" },
    nameField: "name",
    columns: ["name", "username", "role", "prefix", "status", "expiresAt", "lastUsedAt"],
  },
  hsmpackage: {
    summary:
      "Uploaded HSM client packages (upload: POST /api/fileservice/hsmpackages?hsmtype=…, raw tar body)",
    list: "hsmPackages.list",
    remove: "hsmPackages.remove",
    nameField: "fileName",
    columns: ["fileName", "type", "version", "size", "sha256", "uploadedBy", "uploadedAt"],
  },
  consolecertificate: {
    summary:
      "This node's own HTTPS certificate: GET lists the certificates it may use (key in Local-SoftHSM); POST …/choose {certificateId} (null = the file certificate) takes effect at the next start; POST …/status",
    list: "consoleTls.choices",
    collectionActions: { status: "consoleTls.status", choose: "consoleTls.choose" },
    nameField: "name",
    columns: ["name", "subjectCn", "notAfter", "fingerprint"],
  },
  hardwaresecuritymodulegroup: {
    summary:
      "HSM groups: network HSM appliances or PKCS#11 modules used together (Avi's HardwareSecurityModuleGroup)",
    list: "hsmGroups.list",
    get: "hsmGroups.get",
    create: "hsmGroups.create",
    update: "hsmGroups.update",
    remove: "hsmGroups.remove",
    // The document's safenet.py / vtl / sautil steps.
    actions: {
      test: "hsmGroupActions.testConnection",
      listslots: "hsmGroupActions.listSlots",
      openaccess: "hsmGroupActions.openAccess",
      closeaccess: "hsmGroupActions.closeAccess",
      setupha: "hsmGroupActions.setUpHa",
      synchronise: "hsmGroupActions.synchronise",
      hastatus: "hsmGroupActions.haStatus",
      healthhistory: "hsmGroupActions.healthPicture",
      // `download clientcert GROUP CLIENT`: body { client }; answers { name, certificatePem }.
      clientcert: "hsmGroups.clientCertificate",
      // The client certificates page: clients, registration, rotation, the appliances' server.pem.
      clients: "hsmGroups.clients",
      servercerts: "hsmGroups.serverCerts",
      checknow: "hsmGroups.checkNow",
      registerclients: "hsmGroups.registerClients",
      rotateclient: "hsmGroups.rotateClient",
      trustservercert: "hsmGroups.trustServerCert",
      health: "hsmGroupActions.health",
      accessstate: "hsmGroupActions.accessState",
    },
    collectionActions: {
      libraries: "hsmGroups.libraries",
      parseservercert: "hsmGroups.parseServerCert",
      choices: "hsmGroupActions.groups",
    },
    nameField: "name",
    columns: ["name", "type", "isHa", "haGroupNum", "tenantName"],
  },
  sslkeyandcertificate: {
    summary: "SSL/TLS certificates and where their keys live (Avi's SSLKeyAndCertificate)",
    list: "certificates.list",
    // GET by id answers the detail (fingerprints, PEMs, key URI), documented with its own schema.
    get: "certificates.get",
    create: "certificates.create",
    // Avi's POST /api/sslkeyandcertificate/importkeyandcertificate.
    collectionActions: {
      importkeyandcertificate: "certificates.import",
      validateimport: "certificates.validateImport",
      // A certificate for a key that already exists in an HSM group.
      reference: "certificates.reference",
      timeline: "certificates.timeline",
      keyoptions: "certificates.keyOptions",
      hsmgroupchoices: "certificates.hsmGroupChoices",
      // The keys in an HSM group's tokens ({ hsmGroupId }) and removing an orphan ({ hsmGroupId, idHex }).
      inventory: "certificates.inventory",
      removeorphan: "certificates.removeOrphan",
    },
    remove: "certificates.remove",
    // keyholders: each member's key flags as its token reports them (issue #13).
    actions: {
      renew: "certificates.renew",
      testkey: "certificates.testKey",
      keyholders: "certificates.keyHolders",
      history: "certificates.history",
      // The signed certificate of a CSR: { certificatePem, chainPem? }.
      uploadsigned: "certificates.uploadSigned",
    },
    nameField: "name",
    columns: ["name", "type", "status", "subjectCn", "keyAlgorithm", "hsmGroupName", "notAfter"],
  },
  serviceenginegroup: {
    summary: "Service engine groups and the HSM group each references (hardwaresecuritymodulegroup_ref)",
    list: "serviceEngineGroups.list",
    update: "serviceEngineGroups.update",
    actions: { restartall: "serviceEngineGroups.restartAll" },
    collectionActions: { hsmgroupchoices: "serviceEngineGroups.hsmGroupChoices" },
    nameField: "name",
    columns: ["name", "hsmGroupName", "seCount"],
  },
  serviceengine: {
    summary: "Service engines (nginx terminating TLS with HSM keys) and their state",
    list: "serviceEngines.list",
    // Avi's `reboot serviceengine NAME`: a full restart that applies a pending HSM change.
    actions: { reboot: "serviceEngines.restart" },
    nameField: "name",
    columns: ["name", "groupName", "state", "stateReason", "managementIp"],
  },
  virtualservice: {
    summary: "Virtual services: VIP, service ports with SSL, certificate, pool, SE group",
    list: "virtualServices.list",
    get: "virtualServices.get",
    create: "virtualServices.create",
    update: "virtualServices.update",
    remove: "virtualServices.remove",
    actions: { test: "virtualServices.test" },
    collectionActions: { choices: "virtualServices.choices" },
    nameField: "name",
    columns: ["name", "vip", "state", "stateReason"],
  },
  cluster: {
    summary:
      "Console nodes sharing the database: state (heartbeat), SEs each hosts, HSM client identity (read-only, administrators)",
    list: "cluster.nodes",
    nameField: "name",
    columns: ["name", "state", "address", "version", "hsmClientName", "serviceEngines", "lastHeartbeatAt"],
  },
  pool: {
    summary:
      "Pools made before the virtual service that takes them (Avi's Pool); attach {virtualServiceId} gives one to a VS",
    list: "pools.list",
    create: "pools.create",
    update: "pools.update",
    remove: "pools.remove",
    actions: { attach: "pools.attach" },
    nameField: "name",
    columns: ["name", "virtualServiceName"],
  },
  vsvip: {
    summary: "Named VIP addresses (Avi's VsVip); a virtual service on that address uses it",
    list: "vsVips.list",
    create: "vsVips.create",
    update: "vsVips.update",
    remove: "vsVips.remove",
    nameField: "name",
    columns: ["name", "vip"],
  },
} satisfies Record<string, RestResource>;

export type ResourceName = keyof typeof RESOURCES;

export function resourceNames(): string[] {
  return Object.keys(RESOURCES);
}

export function resourceByName(name: string): RestResource | undefined {
  return (RESOURCES as Record<string, RestResource>)[name];
}
