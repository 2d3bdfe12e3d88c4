/**
 * Default case priority (0–100) when the request gives none. Half comes from
 * the amount at stake (log scale: ₹1,000 ≈ 50, ₹10 lakh = 100), half from the
 * delinquency bucket: recovery chances fall with days past due while the
 * stakes grow, and field visits pay most from the third bucket (61–90 dpd).
 * A case with neither figure gets 50.
 */
export const DPD_BUCKET_SCORES: readonly { readonly upTo: number; readonly score: number }[] = [
  { upTo: 30, score: 40 },
  { upTo: 60, score: 70 },
  { upTo: 90, score: 100 },
  { upTo: 120, score: 90 },
  { upTo: 180, score: 70 },
  { upTo: Infinity, score: 40 },
];

export function amountScore(overdueAmount: number): number {
  if (!(overdueAmount > 0)) return 0;
  return Math.min(100, (100 * Math.log10(1 + overdueAmount)) / 6);
}

export function dpdScore(dpd: number): number {
  for (const b of DPD_BUCKET_SCORES) if (dpd <= b.upTo) return b.score;
  return 40;
}

export function defaultPriority(overdueAmount: number | undefined, dpd: number | undefined): number {
  if (overdueAmount === undefined && dpd === undefined) return 50;
  const a = overdueAmount === undefined ? 50 : amountScore(overdueAmount);
  const d = dpd === undefined ? 50 : dpdScore(dpd);
  return Math.max(1, Math.min(100, Math.round(0.5 * a + 0.5 * d)));
}
