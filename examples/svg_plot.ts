// A dependency-free line chart as SVG, for saving loss curves from the examples.
export function lineChartSvg(series: { name: string; values: number[]; color: string }[], title: string, xLabel: string, yLabel: string): string {
  const W = 640, H = 400, L = 60, R = 20, T = 40, B = 50;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const maxLen = Math.max(...series.map((s) => s.values.length));
  const yMin = Math.min(0, ...all), yMax = Math.max(...all) * 1.05 || 1;
  const x = (i: number) => L + ((W - L - R) * i) / Math.max(1, maxLen - 1);
  const y = (v: number) => T + (H - T - B) * (1 - (v - yMin) / (yMax - yMin));
  const ticks = Array.from({ length: 6 }, (_, k) => yMin + ((yMax - yMin) * k) / 5);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${title}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    ...ticks.map((v) => `<text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(2)}</text><line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`),
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle">${xLabel}</text>`,
    `<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">${yLabel}</text>`,
    ...series.map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`),
    ...series.map((s, k) => `<text x="${W - R - 150}" y="${T + 16 + 16 * k}" fill="${s.color}">— ${s.name}</text>`),
    '</svg>',
  ];
  return parts.join('\n') + '\n';
}
