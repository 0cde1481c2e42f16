// contracts: the handlers of its JSON-RPC methods (schemas.ts), over its queries.
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { implement } from '../../codec/rpcSpec.js';
import type { ModuleRpcMethod, QueryContext } from '../api.js';
import { getAssignments, getContract } from './queries.js';
import { type AssignmentJson, contractsRpc, MAX_ASSIGNMENT_LIST } from './schemas.js';
import { Contracts } from './storage.js';

function assignmentToJson(state: QueryContext['state'], id: number): AssignmentJson | undefined {
  const contract = getContract(state, id);
  if (contract === undefined) return undefined;
  return {
    contract: id,
    owner: encodeAddress(contract.owner),
    codeHash: toHex(contract.codeHash),
    replicas: contract.replicas,
    deposit: contract.deposit.toString(),
    deployedAt: contract.deployedAt,
    workers: getAssignments(state, id).map(toHex),
  };
}

export const contractsRpcMethods: readonly ModuleRpcMethod[] = [
  implement(contractsRpc.getAssignments, ({ state, scan }: QueryContext, [contractId]) => {
    if (contractId !== undefined) {
      const one = assignmentToJson(state, contractId);
      return one === undefined ? [] : [one];
    }
    return scan(Contracts.prefix, undefined, MAX_ASSIGNMENT_LIST).flatMap(({ key }) => {
      const one = assignmentToJson(state, Contracts.decodeKey(Uint8Array.from(key)));
      return one === undefined ? [] : [one];
    });
  }),
];
