// BFD control packet codec (RFC 5880 §4.1 mandatory section, §4.2–§4.4 authentication section).
// Pure: bytes in, a typed value out, or a BfdPacketError naming the §6.8.6 check that failed.

import { BFD_HEADER_LENGTH, BFD_VERSION, BfdAuthType, type BfdDiagnostic, BfdState } from './constants.js';
import { BfdConfigError, BfdPacketError } from './errors.js';

/** The authentication section (RFC 5880 §4.2–§4.4), parsed but not verified by this module. */
export type BfdAuthentication =
  | { type: typeof BfdAuthType.SimplePassword; keyId: number; password: Uint8Array }
  | {
      type: typeof BfdAuthType.KeyedMd5 | typeof BfdAuthType.MeticulousKeyedMd5;
      keyId: number;
      sequence: number;
      digest: Uint8Array;
    }
  | {
      type: typeof BfdAuthType.KeyedSha1 | typeof BfdAuthType.MeticulousKeyedSha1;
      keyId: number;
      sequence: number;
      hash: Uint8Array;
    };

/** A BFD control packet; intervals are in microseconds as on the wire. */
export interface ControlPacket {
  diagnostic: BfdDiagnostic;
  state: BfdState;
  poll: boolean;
  final: boolean;
  /** C bit: the forwarding plane is independent of the control plane. */
  controlPlaneIndependent: boolean;
  demand: boolean;
  detectMultiplier: number;
  myDiscriminator: number;
  yourDiscriminator: number;
  desiredMinTxUs: number;
  requiredMinRxUs: number;
  requiredMinEchoRxUs: number;
  authentication?: BfdAuthentication;
}

const FLAG_POLL = 0x20;
const FLAG_FINAL = 0x10;
const FLAG_CPI = 0x08;
const FLAG_AUTH = 0x04;
const FLAG_DEMAND = 0x02;
const FLAG_MULTIPOINT = 0x01;

/** RFC 5880 §4.2: Auth Len of each authentication type (simple password: 3 + password length). */
const AUTH_LENGTH = { md5: 24, sha1: 28 } as const;

/**
 * Decodes a control packet and applies the packet-level reception checks of RFC 5880 §6.8.6.
 * Bytes after the Length field's end (padding of the encapsulation) are ignored.
 */
export function decodeControlPacket(bytes: Uint8Array): ControlPacket {
  if (bytes.length < BFD_HEADER_LENGTH) {
    throw new BfdPacketError('truncated', `${bytes.length} bytes, the mandatory section is ${BFD_HEADER_LENGTH}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const b0 = view.getUint8(0);
  const b1 = view.getUint8(1);
  const version = b0 >> 5;
  if (version !== BFD_VERSION) throw new BfdPacketError('bad-version', `version ${version}, expected ${BFD_VERSION}`);
  const hasAuth = (b1 & FLAG_AUTH) !== 0;
  const length = view.getUint8(3);
  const minimum = hasAuth ? BFD_HEADER_LENGTH + 2 : BFD_HEADER_LENGTH;
  if (length < minimum) throw new BfdPacketError('bad-length', `Length ${length} is below ${minimum}`);
  if (length > bytes.length)
    throw new BfdPacketError('bad-length', `Length ${length} exceeds the ${bytes.length}-byte payload`);
  const detectMultiplier = view.getUint8(2);
  if (detectMultiplier === 0) throw new BfdPacketError('zero-detect-mult', 'Detect Mult is zero');
  if ((b1 & FLAG_MULTIPOINT) !== 0) throw new BfdPacketError('multipoint', 'the Multipoint (M) bit is set');
  // §4.1: a packet MUST NOT have both the Poll and the Final bit set.
  if ((b1 & FLAG_POLL) !== 0 && (b1 & FLAG_FINAL) !== 0)
    throw new BfdPacketError('poll-and-final', 'both Poll and Final are set');
  const myDiscriminator = view.getUint32(4);
  if (myDiscriminator === 0) throw new BfdPacketError('zero-my-discriminator', 'My Discriminator is zero');
  const yourDiscriminator = view.getUint32(8);
  const state = (b1 >> 6) as BfdState;
  if (yourDiscriminator === 0 && state !== BfdState.Down && state !== BfdState.AdminDown) {
    throw new BfdPacketError(
      'zero-your-discriminator',
      `Your Discriminator is zero in state ${state} (only Down or AdminDown may)`,
    );
  }
  const packet: ControlPacket = {
    diagnostic: (b0 & 0x1f) as BfdDiagnostic,
    state,
    poll: (b1 & FLAG_POLL) !== 0,
    final: (b1 & FLAG_FINAL) !== 0,
    controlPlaneIndependent: (b1 & FLAG_CPI) !== 0,
    demand: (b1 & FLAG_DEMAND) !== 0,
    detectMultiplier,
    myDiscriminator,
    yourDiscriminator,
    desiredMinTxUs: view.getUint32(12),
    requiredMinRxUs: view.getUint32(16),
    requiredMinEchoRxUs: view.getUint32(20),
  };
  if (hasAuth) packet.authentication = decodeAuthentication(bytes.subarray(BFD_HEADER_LENGTH, length));
  return packet;
}

/** RFC 5880 §4.2–§4.4: the authentication section, which must fill the rest of Length exactly. */
function decodeAuthentication(section: Uint8Array): BfdAuthentication {
  const type = section[0] ?? 0;
  const authLength = section[1] ?? 0;
  if (authLength !== section.length) {
    throw new BfdPacketError(
      'bad-auth-section',
      `Auth Len ${authLength} does not match the ${section.length} bytes after the mandatory section`,
    );
  }
  const view = new DataView(section.buffer, section.byteOffset, section.byteLength);
  switch (type) {
    case BfdAuthType.SimplePassword:
      // §4.2.2: Auth Key ID, then a password of 1 to 16 bytes.
      if (authLength < 4 || authLength > 19) {
        throw new BfdPacketError('bad-auth-section', `simple password Auth Len ${authLength} is outside 4..19`);
      }
      return { type, keyId: view.getUint8(2), password: section.slice(3) };
    case BfdAuthType.KeyedMd5:
    case BfdAuthType.MeticulousKeyedMd5:
      // §4.3: Key ID, Reserved, Sequence Number, 16-byte digest.
      if (authLength !== AUTH_LENGTH.md5)
        throw new BfdPacketError('bad-auth-section', `MD5 Auth Len ${authLength} is not 24`);
      return { type, keyId: view.getUint8(2), sequence: view.getUint32(4), digest: section.slice(8) };
    case BfdAuthType.KeyedSha1:
    case BfdAuthType.MeticulousKeyedSha1:
      // §4.4: Key ID, Reserved, Sequence Number, 20-byte hash.
      if (authLength !== AUTH_LENGTH.sha1)
        throw new BfdPacketError('bad-auth-section', `SHA1 Auth Len ${authLength} is not 28`);
      return { type, keyId: view.getUint8(2), sequence: view.getUint32(4), hash: section.slice(8) };
    default:
      throw new BfdPacketError('bad-auth-section', `unknown Auth Type ${type}`);
  }
}

function encodedAuthLength(auth: BfdAuthentication): number {
  switch (auth.type) {
    case BfdAuthType.SimplePassword:
      return 3 + auth.password.length;
    case BfdAuthType.KeyedMd5:
    case BfdAuthType.MeticulousKeyedMd5:
      return AUTH_LENGTH.md5;
    default:
      return AUTH_LENGTH.sha1;
  }
}

function checkField(name: string, value: number, max: number, min = 0): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BfdConfigError(`BFD ${name} must be an integer in ${min}..${max}, got ${value}`);
  }
}

/** Encodes a control packet (RFC 5880 §4.1); throws BfdConfigError for values that do not fit their fields. */
export function encodeControlPacket(packet: ControlPacket): Uint8Array {
  checkField('diagnostic', packet.diagnostic, 31);
  checkField('state', packet.state, 3);
  checkField('detect multiplier', packet.detectMultiplier, 255, 1);
  checkField('my discriminator', packet.myDiscriminator, 0xffffffff, 1);
  checkField('your discriminator', packet.yourDiscriminator, 0xffffffff);
  checkField('desired min TX', packet.desiredMinTxUs, 0xffffffff);
  checkField('required min RX', packet.requiredMinRxUs, 0xffffffff);
  checkField('required min echo RX', packet.requiredMinEchoRxUs, 0xffffffff);
  if (packet.poll && packet.final) throw new BfdConfigError('BFD Poll and Final must not both be set (RFC 5880 §6.5)');
  const auth = packet.authentication;
  const authLength = auth ? encodedAuthLength(auth) : 0;
  if (auth?.type === BfdAuthType.SimplePassword && (auth.password.length < 1 || auth.password.length > 16)) {
    throw new BfdConfigError(`BFD simple password must be 1..16 bytes, got ${auth.password.length} (RFC 5880 §4.2.2)`);
  }
  const bytes = new Uint8Array(BFD_HEADER_LENGTH + authLength);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, (BFD_VERSION << 5) | packet.diagnostic);
  view.setUint8(
    1,
    (packet.state << 6) |
      (packet.poll ? FLAG_POLL : 0) |
      (packet.final ? FLAG_FINAL : 0) |
      (packet.controlPlaneIndependent ? FLAG_CPI : 0) |
      (auth ? FLAG_AUTH : 0) |
      (packet.demand ? FLAG_DEMAND : 0),
  );
  view.setUint8(2, packet.detectMultiplier);
  view.setUint8(3, bytes.length);
  view.setUint32(4, packet.myDiscriminator);
  view.setUint32(8, packet.yourDiscriminator);
  view.setUint32(12, packet.desiredMinTxUs);
  view.setUint32(16, packet.requiredMinRxUs);
  view.setUint32(20, packet.requiredMinEchoRxUs);
  if (auth) {
    view.setUint8(24, auth.type);
    view.setUint8(25, authLength);
    view.setUint8(26, auth.keyId);
    if (auth.type === BfdAuthType.SimplePassword) {
      bytes.set(auth.password, 27);
    } else {
      view.setUint32(28, auth.sequence);
      const tail = 'digest' in auth ? auth.digest : auth.hash;
      const expected = authLength - 8;
      if (tail.length !== expected)
        throw new BfdConfigError(`BFD auth type ${auth.type} needs a ${expected}-byte digest, got ${tail.length}`);
      bytes.set(tail, 32);
    }
  }
  return bytes;
}
