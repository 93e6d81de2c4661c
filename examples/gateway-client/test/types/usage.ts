// A typed use of @folio/gateway-client, as a payment service written in TypeScript would write
// it; type-checked (tsc --noEmit, strict) by test/types.test.js. The @ts-expect-error lines are
// misuses the declarations must refuse.
import {
  Gateway, WsRpc, RpcError, verifyPayoutEvent, trustFromGenesis, commitQuorum, validatorSetAt, hexToBytes,
  decodeHeader, backoffDelay, KINDS,
  type SettlementEvent, type SettlementProof, type Trust, type VerifyResult, type GatewayOptions, type BlockHeader,
  type ValidatorSetResult, type Hex,
} from '@folio/gateway-client';
import { verifyCommit, decodeCommitCert, blockHash } from '@folio/gateway-client/folio';

const trust: Trust = trustFromGenesis({ chain_id: 'folio-devnet', validators: [{ name: 'v0', key: 'aa'.repeat(32) }] });

export function check(ev: SettlementEvent, proof: SettlementProof): string {
  const v: VerifyResult = verifyPayoutEvent(ev, proof, trust);
  if (!v.ok) return `refused: ${v.reason}`;
  const p = v.payout;  // narrowed: a VerifiedPayout
  const pays: string = p.target ? `${p.target.amount} ${p.target.currency}` : `${p.amount} ${p.currency}`;
  const epoch: number = p.validatorEpoch;
  return `pay ${pays} to ${p.payee} (payout ${p.id}, height ${p.height}, epoch ${epoch})`;
}

export function signersOf(proof: SettlementProof): Hex[] {
  if (proof.commit === null) return [];
  const header: BlockHeader = decodeHeader(hexToBytes(proof.header));
  const set: ValidatorSetResult = validatorSetAt(trust.chainId, header.height, proof.validator_handoffs ?? [], trust.validators);
  if (!set.ok) throw new Error(set.reason);
  const sigs = decodeCommitCert(hexToBytes(proof.commit));
  const why: string = verifyCommit(trust.chainId, header.height, blockHash(hexToBytes(proof.header)), sigs, set.validators);
  if (why) throw new Error(why);
  return sigs.map((s) => s.validator);
}

export async function follow(stateDir: string, ca: string): Promise<void> {
  const opts: GatewayOptions = {
    url: 'wss://node.example:26657/ws', ca, secretKey: hexToBytes('11'.repeat(32)), trust, stateDir,
    log: (line) => void line, minBackoffMs: 100, maxBackoffMs: 10_000,
  };
  const gw = new Gateway(opts);
  const next: number = gw.cursor;
  void next;
  setTimeoutLike(() => gw.stop());
  await gw.run();
}

export async function proofOf(seq: number): Promise<SettlementProof | null> {
  const rpc = new WsRpc('ws://127.0.0.1:26657/ws', { onNotification: (method, params) => void [method, params], timeoutMs: 5000 });
  await rpc.open();
  try {
    return await rpc.call<SettlementProof>('settlement_proof', { seq });
  } catch (e) {
    if (e instanceof RpcError && e.code === -32002) return null;
    throw e;
  } finally {
    rpc.close();
  }
}

const q: number = commitQuorum(4);
const d: number = backoffDelay(3);
const kinds: string[] = KINDS;
void [q, d, kinds];
declare function setTimeoutLike(f: () => void): void;

// ---- misuses the types refuse ----
// @ts-expect-error: the trust anchor is required
verifyPayoutEvent({} as SettlementEvent, {} as SettlementProof);
// @ts-expect-error: n is a number
commitQuorum('4');
// @ts-expect-error: a Gateway needs a state directory
new Gateway({ url: 'ws://x/ws', secretKey: new Uint8Array(32), trust });
// @ts-expect-error: hand-offs are hex strings
validatorSetAt('c', 1, [new Uint8Array(3)], []);
export function misuse(v: VerifyResult) {
  // @ts-expect-error: payout only exists once ok is narrowed to true
  return v.payout;
}

// ---- a work certificate: the certified state and the registration ----
import {
  verifyWorkCertificate, fingerprintOf, decodeTx, verifyTxSignature, decodeMerkleProof,
  type WorkCertificate, type CertificateResult, type CertificateTrust, type DecodedTx, type MerkleProof,
} from '@folio/gateway-client';

export function registrationOf(cert: WorkCertificate, file: Uint8Array, genesisHash?: Hex): string {
  const t: CertificateTrust = genesisHash ? { ...trust, genesisHash } : trust;
  const r: CertificateResult = verifyWorkCertificate(cert, t, fingerprintOf(file));
  if (!r.ok) return `refused: ${r.reason}`;
  const { height, time_ms, tx_hash, registrant } = r.registration;
  const when: number = time_ms;
  const tx: DecodedTx = decodeTx(hexToBytes(cert.registration.tx));
  const proof: MerkleProof = decodeMerkleProof(hexToBytes(cert.registration.tx_proof));
  const index: bigint = proof.index;
  return `work ${r.work.id} registered at ${height} (${when}) by ${registrant} in ${tx_hash} = ${tx.id} (${verifyTxSignature(tx)}, #${index})`;
}
export function registrationMisuse(r: CertificateResult) {
  // @ts-expect-error: registration only exists once ok is narrowed to true
  return r.registration;
}
// @ts-expect-error: the genesis hash is hex text
verifyWorkCertificate({} as WorkCertificate, { ...trust, genesisHash: 1 });
