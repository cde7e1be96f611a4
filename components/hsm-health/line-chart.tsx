import { chartGeometry } from "@/lib/chart-geometry";

const WIDTH = 480;
const HEIGHT = 120;
const LEFT = 44;
const BOTTOM = 18;

export interface LineChartProps {
  title: string;
  unit: string;
  /** Oldest first; null where nothing was measured. */
  values: Array<number | null>;
  /** Labels under the first and last point (e.g. "60 min ago", "now"). */
  from: string;
  to: string;
}

/** A line chart as inline SVG (no chart library): one series, its y axis from 0, gaps left open. */
export function LineChart({ title, unit, values, from, to }: LineChartProps) {
  const g = chartGeometry(values, WIDTH, HEIGHT);
  const present = values.filter((v): v is number => v !== null);
  const summary =
    present.length === 0
      ? `${title}: no data`
      : `${title}: ${present.length} of ${values.length} points, highest ${Math.max(...present)} ${unit}, latest ${present.at(-1)} ${unit}`;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        role="img"
        aria-label={summary}
        viewBox={`0 0 ${LEFT + WIDTH + 8} ${HEIGHT + BOTTOM + 8}`}
        width="100%"
        preserveAspectRatio="xMinYMin meet"
      >
        <g transform="translate(0 4)">
          <text x={LEFT - 6} y={10} textAnchor="end" className="chart-label">
            {g.yMax} {unit}
          </text>
          <text x={LEFT - 6} y={HEIGHT} textAnchor="end" className="chart-label">
            0
          </text>
          <line x1={LEFT} y1={0} x2={LEFT + WIDTH} y2={0} className="chart-grid" />
          <line x1={LEFT} y1={HEIGHT} x2={LEFT + WIDTH} y2={HEIGHT} className="chart-axis" />
          <g transform={`translate(${LEFT} 0)`}>
            {g.count > 0 ? (
              <path d={g.path} className="chart-line" fill="none" />
            ) : (
              <text x={WIDTH / 2} y={HEIGHT / 2} textAnchor="middle" className="chart-label">
                No samples yet
              </text>
            )}
          </g>
          <text x={LEFT} y={HEIGHT + BOTTOM - 4} className="chart-label">
            {from}
          </text>
          <text x={LEFT + WIDTH} y={HEIGHT + BOTTOM - 4} textAnchor="end" className="chart-label">
            {to}
          </text>
        </g>
      </svg>
    </figure>
  );
}
