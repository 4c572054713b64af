import { PdfCanvas, assemblePdf, istDateTime } from '../../platform/pdf.js';

/**
 * A one-page top-up receipt as a PDF, drawn with the platform's one-page PDF writer
 * (platform/pdf.ts: standard Helvetica fonts, Latin-1 only, the rupee sign drawn as a figure).
 */

export interface ReceiptData {
  issuer: string;
  gstin: string | null;
  receiptNumber: string;
  capturedAt: Date;
  customerName: string;
  customerEmail: string;
  amount: number;
  /** Basis points of GST included in the amount (1800 = 18 %); the GST line shows only when > 0. */
  gstRateBps: number;
  gateway: 'razorpay' | 'sandbox';
  gatewayPaymentId: string;
  gatewayOrderId: string;
  paymentId: string;
}

/** Splits the amount (which includes GST) into taxable value and GST, in whole paise. */
export function gstSplit(amount: number, rateBps: number): { taxable: number; gst: number } {
  if (rateBps <= 0) return { taxable: amount, gst: 0 };
  const gst = Math.round((amount * rateBps) / (10_000 + rateBps));
  return { taxable: amount - gst, gst };
}

export function renderReceiptPdf(r: ReceiptData): Buffer {
  const c = new PdfCanvas();
  const left = 56;
  const right = 539;
  let y = 780;

  c.text(left, y, r.issuer, 'F2', 18);
  y -= 20;
  c.text(left, y, 'Wallet top-up receipt', 'F1', 12, 0.3);
  if (r.gstin) c.textRight(right, y, `GSTIN: ${r.gstin}`, 'F1', 10);
  y -= 14;
  c.line(left, y, right, y, 1, 0.2);

  if (r.gateway === 'sandbox') {
    y -= 26;
    c.rect(left, y - 6, right - left, 22, 0.92);
    c.text(left + 8, y, 'SANDBOX GATEWAY - TEST PAYMENT: NO MONEY WAS RECEIVED', 'F2', 10);
  }

  y -= 30;
  const rows: [string, string][] = [
    ['Receipt number', r.receiptNumber],
    ['Date', istDateTime(r.capturedAt)],
    ['Received from', r.customerName],
    ['Email', r.customerEmail],
    ['Paid through', r.gateway === 'razorpay' ? 'Razorpay' : 'Sandbox gateway (test)'],
    ['Gateway payment id', r.gatewayPaymentId],
    ['Gateway order id', r.gatewayOrderId],
    ['Reference', r.paymentId],
  ];
  for (const [label, value] of rows) {
    c.text(left, y, label, 'F1', 10, 0.35);
    c.text(left + 140, y, value, 'F1', 10);
    y -= 18;
  }

  y -= 14;
  c.rect(left, y - 6, right - left, 22, 0.95);
  c.text(left + 8, y, 'Description', 'F2', 10);
  c.textRight(right - 8, y, 'Amount', 'F2', 10);
  y -= 26;
  c.text(left + 8, y, 'Prepaid wallet top-up', 'F1', 10);
  const { taxable, gst } = gstSplit(r.amount, r.gstRateBps);
  if (r.gstRateBps > 0) {
    c.amount(right - 8, y, taxable);
    y -= 18;
    const pct = (r.gstRateBps / 100).toFixed(2).replace(/\.?0+$/, '');
    c.text(left + 8, y, `GST @ ${pct}% (included in the amount)`, 'F1', 10);
    c.amount(right - 8, y, gst);
  } else {
    c.amount(right - 8, y, r.amount);
  }
  y -= 12;
  c.line(left, y, right, y, 0.5, 0.6);
  y -= 18;
  c.text(left + 8, y, 'Total received', 'F2', 11);
  c.amount(right - 8, y, r.amount, 'F2', 11);

  y -= 44;
  for (const line of [
    'The amount has been credited to the prepaid wallet of the account above. The wallet is closed-loop:',
    'its balance pays for services and messages on this platform.',
    'This is a computer-generated receipt and needs no signature.',
  ]) {
    c.text(left, y, line, 'F1', 9, 0.35);
    y -= 13;
  }
  return assemblePdf(c.ops.join('\n'), `Receipt ${r.receiptNumber}`, r.issuer);
}

