/** A chart's drawing, computed apart from React so that it can be tested as plain data. */
export interface ChartGeometry {
  /** SVG path ("M x y L x y …"); a missing value starts a new segment (no line across gaps). */
  path: string;
  /** Top of the y axis (a round number at or above the largest value; 1 when all are empty). */
  yMax: number;
  /** Values present. */
  count: number;
}

/** 1, 2, 5 × 10^n: the first at or above `v`. */
export function niceCeiling(v: number): number {
  if (!(v > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 5, 10]) if (step * power >= v) return step * power;
  return 10 * power;
}

function fixed(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

/** Maps values (oldest first, null = no data) onto a width × height box, y growing downwards. */
export function chartGeometry(values: Array<number | null>, width: number, height: number): ChartGeometry {
  const present = values.filter((v): v is number => v !== null);
  const yMax = niceCeiling(Math.max(0, ...present));
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  let path = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    const x = fixed(i * step);
    const y = fixed(height - (v / yMax) * height);
    path += `${pen ? "L" : "M"}${x} ${y} `;
    pen = true;
  });
  return { path: path.trim(), yMax, count: present.length };
}
