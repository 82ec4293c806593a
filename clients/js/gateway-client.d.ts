// Type declarations of gateway-client.mjs (the signaling protocol of docs/protocol.md, version 1 revision 2).

export interface IceServer { urls: string[]; username?: string; credential?: string }

export interface Welcome { type: 'welcome'; session: string; resumed: boolean; iceServers: IceServer[] }

export interface Registered { type: 'registered'; user: string; aor: string }

export interface Joined { type: 'joined'; room: string; peer: string; peers: string[] }

export interface Hangup { code: number; reason?: string }

export interface ClientOptions {
  /** A JWT whose `sub` is the user this connection may register as (sent as ?token=). */
  token?: string;
  /** A WebSocket class (default: globalThis.WebSocket). */
  WebSocket?: { new (url: string): WebSocket };
  /** Reconnect with ?session= after a drop (default true). */
  reconnect?: boolean;
  /** Milliseconds between {"type":"ping"} (default 25000; 0 = none). */
  pingInterval?: number;
  /** Upper bound of the reconnect back-off in ms (default 10000). */
  maxReconnectDelay?: number;
  /** How long register/unregister/join wait for their answer in ms (default 10000). */
  requestTimeout?: number;
}

export class GatewayError extends Error {
  /** The protocol's error code (bad_request, forbidden, not_found, conflict, rate_limited, unavailable, internal, ...), or closed / timeout / full. */
  code: string;
  /** The call id the error concerns, when it has one. */
  id?: string;
}

export type CallState = 'calling' | 'ringing' | 'early' | 'active' | 'held' | 'incoming' | 'ended';

export interface CallEventMap {
  ringing: CustomEvent<{ type: 'ringing'; id: string }>;
  progress: CustomEvent<{ type: 'progress'; id: string; sdp: string }>;
  answer: CustomEvent<{ type: 'answer'; id: string; sdp: string }>;
  hangup: CustomEvent<Hangup>;
  held: CustomEvent<{ type: 'held'; id: string }>;
  resumed: CustomEvent<{ type: 'resumed'; id: string }>;
  transferred: CustomEvent<{ type: 'transferred'; id: string; code: number; by?: string; to?: string }>;
  updated: CustomEvent<{ type: 'updated'; id: string; sdp: string }>;
  error: CustomEvent<GatewayError>;
}

export class Call extends EventTarget {
  readonly client: GatewayClient;
  readonly id: string;
  readonly direction: 'outbound' | 'inbound';
  state: CallState;
  /** Caller of a delivered call, and its display name. */
  readonly from?: string;
  readonly display?: string;
  /** The gateway's offer of a delivered call. */
  readonly offer?: string;
  /** The last SDP the gateway sent (answer, progress or updated). */
  remoteSdp: string | null;
  answer(sdp: string): void;
  ringing(): void;
  reject(code?: number): void;
  hangup(): void;
  dtmf(digits: string, duration?: number): void;
  hold(): void;
  unhold(): void;
  mute(): void;
  unmute(): void;
  transfer(to: string): void;
  candidate(candidate: { candidate?: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null): void;
  /** Renegotiation: resolves with the gateway's answer. */
  update(sdp: string): Promise<string>;
  addEventListener<K extends keyof CallEventMap>(type: K, listener: (event: CallEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

export interface ClientEventMap {
  welcome: CustomEvent<Welcome>;
  incoming: CustomEvent<Call>;
  disconnected: CustomEvent<{ code: number; reason: string; opened: boolean }>;
  'session-lost': CustomEvent<{ user: string | null }>;
  joined: CustomEvent<Joined>;
  'peer-joined': CustomEvent<{ type: 'peer-joined'; room: string; peer: string }>;
  'peer-left': CustomEvent<{ type: 'peer-left'; room: string; peer: string }>;
  signal: CustomEvent<{ type: 'signal'; room: string; from: string; data: unknown }>;
  full: CustomEvent<{ type: 'full'; room: string }>;
  error: CustomEvent<GatewayError>;
  message: CustomEvent<{ type: string; [field: string]: unknown }>;
}

export class GatewayClient extends EventTarget {
  constructor(url: string, options?: ClientOptions);
  readonly url: string;
  session: string | null;
  iceServers: IceServer[];
  user: string | null;
  aor: string | null;
  connected: boolean;
  connect(): Promise<Welcome>;
  close(): void;
  send(message: { type: string; [field: string]: unknown }): boolean;
  register(user: string): Promise<Registered>;
  unregister(): Promise<{ type: 'unregistered' }>;
  call(to: string, sdp: string, options?: { id?: string }): Call;
  callById(id: string): Call | undefined;
  join(room: string): Promise<Joined>;
  leave(room: string): Promise<void>;
  signal(room: string, to: string, data: unknown): boolean;
  addEventListener<K extends keyof ClientEventMap>(type: K, listener: (event: ClientEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}
