/** `x-avi-compatible` of the OpenAPI document (server/avi/reference.ts). */
interface Reference {
  version: string;
  general: string[];
  kinds: {
    kind: string;
    summary: string;
    methods: string[];
    fields: { at: string; writable: string[]; readOnly: string[] }[];
    notes: string[];
  }[];
}

/** The Avi-compatible resources: methods, fields honoured and the differences that remain. */
export function AviReference({ doc }: { doc: Record<string, unknown> }) {
  const reference = doc["x-avi-compatible"] as Reference | undefined;
  if (!reference) return null;
  return (
    <section className="panel" aria-labelledby="avi-compatible">
      <h2 id="avi-compatible">Avi-compatible API (swagger {reference.version})</h2>
      <ul>
        {reference.general.map((note) => (
          <li key={note}>{note}</li>
        ))}
      </ul>
      <table>
        <caption>Objects in Avi's shapes</caption>
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">Methods</th>
            <th scope="col">Fields honoured</th>
            <th scope="col">Differences from Avi</th>
          </tr>
        </thead>
        <tbody>
          {reference.kinds.map((k) => (
            <tr key={k.kind}>
              <th scope="row">
                <code>/api/{k.kind}</code>
                <p className="hint">{k.summary}</p>
              </th>
              <td>{k.methods.join(", ")}</td>
              <td>
                {k.fields.map((f) => (
                  <p key={f.at || "top"}>
                    {f.at ? <code>{f.at}: </code> : null}
                    {f.writable.join(", ") || "—"}
                    {f.readOnly.length ? (
                      <span className="hint"> (read-only: {f.readOnly.join(", ")})</span>
                    ) : null}
                  </p>
                ))}
              </td>
              <td>
                <ul>
                  {k.notes.map((note) => (
                    <li key={note}>{note}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
