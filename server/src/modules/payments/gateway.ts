import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The payment gateway as the top-up flow sees it, and its one implementation: Razorpay's REST API
 * over HTTP. The sandbox gateway (sandbox-gateway.routes.ts) speaks the same API, so the same client
 * runs against both; only the base URL, the keys and the transport differ.
 */

export interface GatewayOrder {
  id: string;
  amount: number;
  amountPaid: number;
  currency: string;
  receipt: string | null;
  status: 'created' | 'attempted' | 'paid';
  notes: Record<string, string>;
  createdAt: number;
}

export interface GatewayPayment {
  id: string;
  orderId: string | null;
  amount: number;
  currency: string;
  status: 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';
  method: string | null;
  errorCode: string | null;
  errorDescription: string | null;
  createdAt: number;
}

export interface CreatedOrder {
  orderId: string;
  amount: number;
  currency: string;
  status: string;
}

export interface PaymentGateway {
  /** Recorded on each payment: which gateway took it. */
  readonly name: 'razorpay' | 'sandbox';
  /** The public key id, handed to the browser for checkout. */
  readonly keyId: string;
  createOrder(amountPaise: number, receipt: string, notes: Record<string, string>): Promise<CreatedOrder>;
  fetchOrder(orderId: string): Promise<GatewayOrder>;
  fetchOrderPayments(orderId: string): Promise<GatewayPayment[]>;
  /** The checkout's proof of success: HMAC-SHA256(`${orderId}|${paymentId}`, key secret), hex. */
  verifyPaymentSignature(orderId: string, paymentId: string, signature: string): boolean;
  /** A webhook's proof of origin: HMAC-SHA256(raw body bytes, webhook secret), hex. */
  verifyWebhookSignature(rawBody: Buffer, signature: string): boolean;
}

export type GatewayErrorKind = 'timeout' | 'network' | 'http' | 'invalid_response';

/** Anything that went wrong talking to the gateway; `status` and `gatewayCode` when it answered. */
export class GatewayError extends Error {
  constructor(
    readonly kind: GatewayErrorKind,
    message: string,
    readonly status?: number,
    readonly gatewayCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GatewayError';
  }
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** One HTTP exchange. Network failures reject with GatewayError ('timeout' or 'network'). */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** The real network, through Node's fetch. */
export const fetchTransport: HttpTransport = async (request) => {
  try {
    const res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: 'error',
    });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new GatewayError('timeout', `${request.method} ${request.url} timed out after ${request.timeoutMs} ms`, undefined, undefined, { cause: err });
    }
    throw new GatewayError('network', `${request.method} ${request.url} failed: ${(err as Error).message}`, undefined, undefined, { cause: err });
  }
};

export function hmacSha256Hex(secret: string, data: string | Buffer): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

/** Constant-time check of a hex HMAC; anything that is not 64 hex digits is simply wrong. */
export function verifyHmacHex(secret: string, data: string | Buffer, signature: string): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(data).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

export function paymentSignature(keySecret: string, orderId: string, paymentId: string): string {
  return hmacSha256Hex(keySecret, `${orderId}|${paymentId}`);
}

export interface RazorpayClientOptions {
  name: 'razorpay' | 'sandbox';
  /** e.g. https://api.razorpay.com (the client appends /v1/...). */
  baseUrl: string;
  keyId: string;
  keySecret: string;
  webhookSecret: string;
  transport?: HttpTransport;
  timeoutMs?: number;
}

// Razorpay's own ids are a prefix and 14 base-62 characters; anything else never reaches a URL.
const ORDER_ID = /^order_[A-Za-z0-9]{6,40}$/;

interface RawOrder {
  id: string;
  entity: string;
  amount: number;
  amount_paid?: number;
  currency: string;
  receipt?: string | null;
  status: GatewayOrder['status'];
  notes?: Record<string, string> | unknown[];
  created_at: number;
}

interface RawPayment {
  id: string;
  entity: string;
  amount: number;
  currency: string;
  status: GatewayPayment['status'];
  order_id?: string | null;
  method?: string | null;
  error_code?: string | null;
  error_description?: string | null;
  created_at: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function toGatewayPayment(p: RawPayment): GatewayPayment {
  return {
    id: p.id,
    orderId: p.order_id ?? null,
    amount: p.amount,
    currency: p.currency,
    status: p.status,
    method: p.method ?? null,
    errorCode: p.error_code ?? null,
    errorDescription: p.error_description ?? null,
    createdAt: p.created_at,
  };
}

function checkOrder(v: unknown): RawOrder {
  if (!isRecord(v) || typeof v.id !== 'string' || v.entity !== 'order' || !Number.isSafeInteger(v.amount) || typeof v.currency !== 'string' || typeof v.status !== 'string') {
    throw new GatewayError('invalid_response', 'The gateway answered with something that is not an order');
  }
  return v as unknown as RawOrder;
}

function checkPayment(v: unknown): RawPayment {
  if (!isRecord(v) || typeof v.id !== 'string' || v.entity !== 'payment' || !Number.isSafeInteger(v.amount) || typeof v.status !== 'string') {
    throw new GatewayError('invalid_response', 'The gateway answered with something that is not a payment');
  }
  return v as unknown as RawPayment;
}

/** Razorpay's REST API (orders and their payments), Basic auth with key id and secret. */
export function createRazorpayClient(opts: RazorpayClientOptions): PaymentGateway {
  const transport = opts.transport ?? fetchTransport;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const base = opts.baseUrl.replace(/\/+$/, '');
  const auth = 'Basic ' + Buffer.from(`${opts.keyId}:${opts.keySecret}`).toString('base64');

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const res = await transport({
      method,
      url: `${base}${path}`,
      headers: {
        authorization: auth,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      timeoutMs,
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      throw new GatewayError(res.status >= 400 ? 'http' : 'invalid_response', `${method} ${path} answered ${res.status} without JSON`, res.status);
    }
    if (res.status < 200 || res.status >= 300) {
      const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : {};
      const description = typeof error.description === 'string' ? error.description : `HTTP ${res.status}`;
      const code = typeof error.code === 'string' ? error.code : undefined;
      throw new GatewayError('http', `${method} ${path}: ${description}`, res.status, code);
    }
    return parsed;
  }

  function orderPath(orderId: string): string {
    if (!ORDER_ID.test(orderId)) throw new GatewayError('invalid_response', `Not a gateway order id: ${orderId.slice(0, 60)}`);
    return `/v1/orders/${orderId}`;
  }

  return {
    name: opts.name,
    keyId: opts.keyId,

    async createOrder(amountPaise, receipt, notes) {
      const order = checkOrder(await call('POST', '/v1/orders', { amount: amountPaise, currency: 'INR', receipt, notes }));
      return { orderId: order.id, amount: order.amount, currency: order.currency, status: order.status };
    },

    async fetchOrder(orderId) {
      const o = checkOrder(await call('GET', orderPath(orderId)));
      return {
        id: o.id,
        amount: o.amount,
        amountPaid: o.amount_paid ?? 0,
        currency: o.currency,
        receipt: o.receipt ?? null,
        status: o.status,
        // Razorpay sends an empty array for "no notes".
        notes: isRecord(o.notes) ? (o.notes as Record<string, string>) : {},
        createdAt: o.created_at,
      };
    },

    async fetchOrderPayments(orderId) {
      const res = await call('GET', `${orderPath(orderId)}/payments`);
      if (!isRecord(res) || !Array.isArray(res.items)) throw new GatewayError('invalid_response', 'The gateway answered with something that is not a list of payments');
      return res.items.map((p) => toGatewayPayment(checkPayment(p)));
    },

    verifyPaymentSignature(orderId, paymentId, signature) {
      return verifyHmacHex(opts.keySecret, `${orderId}|${paymentId}`, signature);
    },

    verifyWebhookSignature(rawBody, signature) {
      return verifyHmacHex(opts.webhookSecret, rawBody, signature);
    },
  };
}
