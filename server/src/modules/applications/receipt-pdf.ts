import { PdfCanvas, assemblePdf, istDateTime } from '../../platform/pdf.js';
import type { ApplicationState } from './workflow.js';

/**
 * The printable acknowledgement of a submitted application, which becomes the receipt once the work
 * is completed and the fees are charged. One page, drawn with platform/pdf.ts (Helvetica, Latin-1:
 * the English service name is printed; Devanagari would print as "?").
 */
export interface ApplicationReceiptData {
  issuer: string;
  gstin: string | null;
  ackNumber: string;
  serviceName: string;
  state: ApplicationState;
  customerName: string;
  customerEmail: string;
  customerMobile: string | null;
  filedBy: string | null;
  submittedAt: Date;
  closedAt: Date | null;
  fees: { platformFee: number; gstRateBps: number; gst: number; governmentFee: number; total: number };
  /** The government amount was entered by the customer (a bill, a recharge). */
  customerAmount: boolean;
}

/**
 * Intra-state GST is CGST + SGST in equal halves. An odd paisa goes to CGST, so the two lines always
 * add up to the GST charged.
 */
export function cgstSgst(gst: number): { cgst: number; sgst: number } {
  const cgst = Math.ceil(gst / 2);
  return { cgst, sgst: gst - cgst };
}

const STATUS: Record<ApplicationState, string> = {
  draft: 'Draft',
  submitted: 'Submitted - waiting to be processed',
  in_progress: 'In progress',
  needs_info: 'Waiting for more information from you',
  completed: 'Completed',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
};

const percent = (bps: number) => `${(bps / 100).toFixed(2).replace(/\.?0+$/, '')}%`;

export function renderApplicationReceiptPdf(r: ApplicationReceiptData): Buffer {
  const c = new PdfCanvas();
  const left = 56;
  const right = 539;
  const completed = r.state === 'completed';
  let y = 780;

  c.text(left, y, r.issuer, 'F2', 18);
  y -= 20;
  c.text(left, y, completed ? 'Receipt for a service application' : 'Acknowledgement of a service application', 'F1', 12, 0.3);
  if (r.gstin) c.textRight(right, y, `GSTIN: ${r.gstin}`, 'F1', 10);
  y -= 14;
  c.line(left, y, right, y, 1, 0.2);

  y -= 30;
  c.text(left, y, 'Acknowledgement number', 'F1', 10, 0.35);
  c.text(left + 150, y, r.ackNumber, 'F2', 14);
  y -= 22;
  const closedLabel = { completed: 'Completed on', rejected: 'Rejected on', cancelled: 'Cancelled on' } as Partial<Record<ApplicationState, string>>;
  const rows: [string, string][] = [
    ['Service', r.serviceName],
    ['Status', STATUS[r.state]],
    ['Submitted on', istDateTime(r.submittedAt)],
    ...(r.closedAt && closedLabel[r.state] ? [[closedLabel[r.state]!, istDateTime(r.closedAt)] as [string, string]] : []),
    ['Applicant', r.customerName],
    ['Email', r.customerEmail],
    ...(r.customerMobile ? [['Mobile', r.customerMobile] as [string, string]] : []),
    ...(r.filedBy ? [['Filed at the centre by', r.filedBy] as [string, string]] : []),
  ];
  for (const [label, value] of rows) {
    c.text(left, y, label, 'F1', 10, 0.35);
    c.text(left + 150, y, value, 'F1', 10);
    y -= 18;
  }

  y -= 14;
  c.rect(left, y - 6, right - left, 22, 0.95);
  c.text(left + 8, y, 'Description', 'F2', 10);
  c.textRight(right - 8, y, 'Amount', 'F2', 10);
  const { cgst, sgst } = cgstSgst(r.fees.gst);
  const half = percent(r.fees.gstRateBps / 2);
  const lines: [string, number][] = [
    ['Service charge (taxable value)', r.fees.platformFee],
    [`CGST @ ${half} on the service charge`, cgst],
    [`SGST @ ${half} on the service charge`, sgst],
    [r.customerAmount ? 'Amount paid on (bill / recharge, no GST)' : 'Government fee (paid on as your agent, no GST)', r.fees.governmentFee],
  ];
  for (const [label, paise] of lines) {
    y -= 22;
    c.text(left + 8, y, label, 'F1', 10);
    c.amount(right - 8, y, paise);
  }
  y -= 12;
  c.line(left, y, right, y, 0.5, 0.6);
  y -= 18;
  c.text(left + 8, y, completed ? 'Total charged from the wallet' : 'Total', 'F2', 11);
  c.amount(right - 8, y, r.fees.total, 'F2', 11);

  y -= 44;
  const money = {
    completed: 'The total was charged from the amount held in the wallet of the applicant.',
    rejected: 'Nothing was charged: the amount held in the wallet was returned.',
    cancelled: 'Nothing was charged: the amount held in the wallet was returned.',
  } as Partial<Record<ApplicationState, string>>;
  for (const line of [
    money[r.state] ?? 'The total is held in the wallet of the applicant and charged only when the work is completed.',
    'Quote the acknowledgement number in every enquiry about this application.',
    'This is a computer-generated document and needs no signature.',
  ]) {
    c.text(left, y, line, 'F1', 9, 0.35);
    y -= 13;
  }
  return assemblePdf(c.ops.join('\n'), `${completed ? 'Receipt' : 'Acknowledgement'} ${r.ackNumber}`, r.issuer);
}
