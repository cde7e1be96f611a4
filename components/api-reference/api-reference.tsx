import { SchemaView } from "./schema-view";

type Schema = Record<string, unknown>;
interface Operation {
  operationId: string;
  summary: string;
  "x-procedure"?: string;
  /** Routes served outside the resource table (uploads, downloads, Avi's login). */
  "x-handler"?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

/** The OpenAPI document, readable: one section per path, one block per method. */
export function ApiReference({ doc }: { doc: Schema }) {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  return (
    <>
      <p>
        Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). Authenticate with{" "}
        <code>Authorization: Bearer hsmc_…</code> from <a href="/administration/api-tokens">API tokens</a>.
        Errors answer <code>{"{ error: { code, message, field } }"}</code>. Fields marked * are required.
      </p>
      {Object.entries(paths).map(([path, ops]) => (
        <section key={path} className="panel" aria-label={path}>
          <h2>
            <code>{path}</code>
          </h2>
          {Object.entries(ops).map(([method, op]) => {
            const success = Object.entries(op.responses).find(([status]) => status.startsWith("2"));
            const query = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
            return (
              <div key={method} className="operation">
                <h3>
                  <span className={`method ${method}`}>{method.toUpperCase()}</span> {op.summary}
                </h3>
                <p className="hint">
                  {op["x-procedure"] ? "procedure " : "handler "}
                  <code>{op["x-procedure"] ?? op["x-handler"]}</code>
                  {query.length ? ` · query: ${query.join(", ")}` : ""}
                </p>
                {op.requestBody && (
                  <SchemaView
                    schema={Object.values(op.requestBody.content)[0]?.schema}
                    doc={doc}
                    label="Body"
                  />
                )}
                {success && (
                  <SchemaView
                    schema={Object.values(success[1].content ?? {})[0]?.schema}
                    doc={doc}
                    label={`Response ${success[0]}`}
                  />
                )}
              </div>
            );
          })}
        </section>
      ))}
    </>
  );
}
