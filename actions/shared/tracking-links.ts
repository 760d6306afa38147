/**
 * The public tracking page of a parcel, for carriers whose page takes the tracking number in its
 * URL. Other carriers get none: the order answer still names the carrier and the number.
 */
const PAGES: Record<string, (n: string) => string> = {
  ups: (n) => `https://www.ups.com/track?tracknum=${n}`,
  fedex: (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}`,
  usps: (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`,
  dhl: (n) => `https://www.dhl.com/global-en/home/tracking/tracking-parcel.html?submit=1&tracking-id=${n}`,
  'royal mail': (n) => `https://www.royalmail.com/track-your-item#/tracking-results/${n}`,
};

export function trackingLink(carrier: string | null, trackingNumber: string | null): string | null {
  if (!carrier || !trackingNumber) return null;
  // Tracking numbers are letters and digits; anything else would change the URL's meaning.
  if (!/^[A-Za-z0-9]{4,40}$/.test(trackingNumber)) return null;
  const page = PAGES[carrier.trim().toLowerCase()];
  return page ? page(trackingNumber) : null;
}
