/** VAT rates by the buyer's country, for digital services sold in the EU. */
const VAT_RATES: Record<string, number> = {
  DE: 0.19,
  FR: 0.2,
  IE: 0.23,
  NL: 0.21,
  ES: 0.21,
};

export interface InvoiceTotals {
  netCents: number;
  vatCents: number;
  grossCents: number;
  vatRate: number;
}

/** Totals of an invoice; buyers outside the rate table pay no VAT here. */
export function totals(netCents: number, country: string): InvoiceTotals {
  const vatRate = VAT_RATES[country.toUpperCase()] ?? 0;
  const vatCents = Math.round(netCents * vatRate);
  return { netCents, vatCents, grossCents: netCents + vatCents, vatRate };
}
