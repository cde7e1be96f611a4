import { certificateFile, hsmSocketPath, seLayout, tlsErrorLog } from "./layout";
import type { ConsoleFrontOptions, ServiceEngineSpec, VirtualServiceSpec } from "./types";
import { validateSpec } from "./validate";

export const PKCS11_ENGINE_PATH = "/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so";
export const P11_KIT_CLIENT_PATH = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so";

/** The key reference nginx hands to the engine: the URI plus where to read the PIN. */
export function engineKeyUri(spec: ServiceEngineSpec, keyUri: string): string {
  return `${keyUri}?pin-source=file:${seLayout(spec.dataDir).pinFile}`;
}

/** P11_KIT_SERVER_ADDRESS for this SE. */
export function p11KitServerAddress(spec: ServiceEngineSpec): string {
  return `unix:path=${hsmSocketPath(spec)}`;
}

/**
 * OpenSSL config that loads the PKCS#11 engine at start (`init = 1`) with p11-kit-client.so as its
 * module. Preferred over `ssl_engine pkcs11;`, which would make the engine the default for every
 * RSA/EC operation (ephemeral ECDHE included) instead of only for the HSM keys.
 */
export function renderOpensslConf(): string {
  return [
    "# Written by the HSM Console dataplane; do not edit.",
    "openssl_conf = openssl_init",
    "[openssl_init]",
    "engines = engine_section",
    "[engine_section]",
    "pkcs11 = pkcs11_section",
    "[pkcs11_section]",
    "engine_id = pkcs11",
    `dynamic_path = ${PKCS11_ENGINE_PATH}`,
    `MODULE_PATH = ${P11_KIT_CLIENT_PATH}`,
    "init = 1",
    "",
  ].join("\n");
}

/**
 * nginx's "combined" line, then what /metrics counts per virtual service (the VS id is appended by
 * each VS's own format): TLS protocol ("-" on plain ports), "r" for a resumed session, and the
 * request's number on its connection (1 + not resumed = a full handshake). Parsed by
 * server/observability/tls-log-counts.ts.
 */
export const ACCESS_LOG_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" tls=$ssl_protocol reused=$ssl_session_reused req=$connection_requests';

function upstreamName(vs: VirtualServiceSpec): string {
  return `vs_${vs.id.replace(/-/g, "_")}`;
}

function frontServerLines(front: ConsoleFrontOptions): string[] {
  return [
    // nginx's own code for "plain HTTP sent to an HTTPS port": answered with a redirect only.
    `    error_page 497 =308 ${front.redirectTo}$request_uri;`,
    "    client_max_body_size 0;",
  ];
}

function frontLocationLines(front: ConsoleFrontOptions): string[] {
  return [
    `      proxy_set_header ${front.secretHeader} "${front.secret}";`,
    "      proxy_request_buffering off;",
    "      proxy_buffering off;",
    "      proxy_read_timeout 600s;",
    "      proxy_send_timeout 600s;",
  ];
}

function logFormatName(vs: VirtualServiceSpec): string {
  return `${upstreamName(vs)}_log`;
}

function renderVirtualService(spec: ServiceEngineSpec, vs: VirtualServiceSpec): string[] {
  const lines: string[] = [`  # virtual service ${JSON.stringify(vs.name)} (${vs.id})`];
  lines.push(`  log_format ${logFormatName(vs)} '${ACCESS_LOG_FORMAT} vs=${vs.id}';`);
  if (vs.pool.length > 0) {
    lines.push(`  upstream ${upstreamName(vs)} {`);
    for (const s of vs.pool) lines.push(`    server ${s.host}:${s.port};`);
    lines.push("    keepalive 8;", "  }");
  }
  for (const p of vs.ports) {
    lines.push("  server {");
    lines.push(`    access_log ${seLayout(spec.dataDir).accessLog} ${logFormatName(vs)};`);
    if (p.ssl) {
      // The SE's error log as before, plus this VS's failed handshakes (logged by nginx at "info").
      lines.push(`    error_log ${seLayout(spec.dataDir).errorLog} notice;`);
      lines.push(`    error_log ${tlsErrorLog(spec.dataDir, vs.id)} info;`);
    }
    // reuseport: the SEs of one group (same user) share a VIP:port; the kernel spreads connections,
    // so restarting one SE leaves the others answering on the same VIP.
    lines.push(`    listen ${vs.vip}:${p.port}${p.ssl ? " ssl" : ""} reuseport;`);
    lines.push("    server_name _;");
    if (p.ssl && vs.keyUri) {
      lines.push(`    ssl_certificate ${certificateFile(spec.dataDir, vs)};`);
      // The private key stays in the HSM: nginx only gets its URI, the engine signs through it.
      lines.push(`    ssl_certificate_key "engine:pkcs11:${engineKeyUri(spec, vs.keyUri)}";`);
      lines.push("    ssl_protocols TLSv1.2 TLSv1.3;");
    }
    if (vs.front) lines.push(...frontServerLines(vs.front));
    lines.push("    location / {");
    if (vs.pool.length === 0) {
      lines.push('      return 503 "no pool server\\n";');
    } else {
      lines.push(`      proxy_pass http://${upstreamName(vs)};`);
      lines.push("      proxy_http_version 1.1;");
      lines.push('      proxy_set_header Connection "";');
      lines.push("      proxy_set_header Host $host;");
      lines.push("      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;");
      lines.push("      proxy_set_header X-Forwarded-Proto $scheme;");
      if (vs.front) lines.push(...frontLocationLines(vs.front));
    }
    lines.push("    }", "  }");
  }
  return lines;
}

/**
 * nginx.conf of one SE. Pure: everything comes from the spec, paths from its folder. nginx runs in
 * the foreground under the supervisor, with every path inside the SE folder so that several SEs
 * (and other nginx instances on the machine) never share a file.
 */
export function renderNginxConfig(spec: ServiceEngineSpec): string {
  validateSpec(spec);
  const l = seLayout(spec.dataDir);
  const lines = [
    `# Service engine ${spec.name}. Written by the HSM Console dataplane; do not edit.`,
    "daemon off;",
    "master_process on;",
    `worker_processes ${spec.workerProcesses ?? 1};`,
    `pid ${l.nginxPid};`,
    `error_log ${l.errorLog} notice;`,
    // Explicit values: the config alone defines what the workers see. p11-kit-client reads the
    // address when the engine (re)initialises in each worker after fork.
    `env P11_KIT_SERVER_ADDRESS=${p11KitServerAddress(spec)};`,
    `env OPENSSL_CONF=${l.opensslConf};`,
    "events {",
    "  worker_connections 1024;",
    "}",
    "http {",
    `  access_log ${l.accessLog};`,
    `  client_body_temp_path ${l.tmpDir}/client_body;`,
    `  proxy_temp_path ${l.tmpDir}/proxy;`,
    `  fastcgi_temp_path ${l.tmpDir}/fastcgi;`,
    `  uwsgi_temp_path ${l.tmpDir}/uwsgi;`,
    `  scgi_temp_path ${l.tmpDir}/scgi;`,
    "  server_tokens off;",
    "  proxy_connect_timeout 5s;",
  ];
  for (const vs of spec.virtualServices) lines.push(...renderVirtualService(spec, vs));
  lines.push("}", "");
  return lines.join("\n");
}
