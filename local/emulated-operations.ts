/** What the emulator serves, per operation: the members it reads and returns, the errors it sends. */
import type { OperationName } from './faults.js';
import {
  RESTORE_OUTPUT_MEMBERS,
  STORE_OUTPUT_MEMBERS,
  UPDATE_OUTPUT_MEMBERS,
} from './store-book.js';
import { UPDATE_MEMBERS } from './store-changes.js';

export interface OperationSpec {
  /** Input members the emulator reads. */
  readonly input: readonly string[];
  /** Output members the emulator can return. */
  readonly output: readonly string[];
  /** Error codes the emulator's own rules return (faults can inject any code). */
  readonly errors: readonly string[];
  /** Error codes returned although the model does not list them for the operation (a choice). */
  readonly unmodelledErrors: readonly string[];
}

/** What an operation answers for a missing, malformed or unknown `EventDataStore`. */
const IDENTIFIER_ERRORS = [
  'InvalidParameterException',
  'EventDataStoreARNInvalidException',
  'EventDataStoreNotFoundException',
] as const;

/** Update and Delete of a store pending deletion, or of an organization store from a member. */
const CHANGE_ERRORS = [
  ...IDENTIFIER_ERRORS,
  'InactiveEventDataStoreException',
  'NotOrganizationMasterAccountException',
] as const;

const INGESTION_ERRORS = [
  ...IDENTIFIER_ERRORS,
  'NotOrganizationMasterAccountException',
  'InvalidEventDataStoreStatusException',
  'InvalidEventDataStoreCategoryException',
] as const;

const TAGGING_ERRORS = [
  'CloudTrailARNInvalidException',
  'ResourceNotFoundException',
  'EventDataStoreNotFoundException',
  'InvalidTagParameterException',
  'InactiveEventDataStoreException',
] as const;

/** What the emulator serves, per operation (checked against the service model by a test). */
export const EMULATED_OPERATIONS = {
  GetEventDataStore: {
    input: ['EventDataStore'],
    output: STORE_OUTPUT_MEMBERS,
    errors: IDENTIFIER_ERRORS,
    unmodelledErrors: [],
  },
  ListEventDataStores: {
    input: ['MaxResults', 'NextToken'],
    output: ['EventDataStores', 'NextToken'],
    errors: ['InvalidMaxResultsException', 'InvalidNextTokenException'],
    unmodelledErrors: [],
  },
  ListTags: {
    input: ['ResourceIdList'],
    output: ['ResourceTagList'],
    errors: [
      'CloudTrailARNInvalidException',
      'ResourceNotFoundException',
      'EventDataStoreNotFoundException',
      // Only with the option inactiveTags, for a store pending deletion.
      'InactiveEventDataStoreException',
    ],
    // The model lists no error for a missing list or one over 20 ARNs.
    unmodelledErrors: ['InvalidParameterException'],
  },
  StartEventDataStoreIngestion: {
    input: ['EventDataStore'],
    output: [],
    errors: INGESTION_ERRORS,
    unmodelledErrors: [],
  },
  StopEventDataStoreIngestion: {
    input: ['EventDataStore'],
    output: [],
    errors: INGESTION_ERRORS,
    unmodelledErrors: [],
  },
  UpdateEventDataStore: {
    input: ['EventDataStore', ...UPDATE_MEMBERS],
    output: UPDATE_OUTPUT_MEMBERS,
    errors: [
      ...CHANGE_ERRORS,
      'EventDataStoreAlreadyExistsException',
      'InvalidEventSelectorsException',
      'InvalidKmsKeyIdException',
    ],
    unmodelledErrors: [],
  },
  DeleteEventDataStore: {
    input: ['EventDataStore'],
    output: [],
    errors: [
      ...CHANGE_ERRORS,
      'EventDataStoreTerminationProtectedException',
      'EventDataStoreFederationEnabledException',
      'ConflictException',
    ],
    unmodelledErrors: [],
  },
  RestoreEventDataStore: {
    input: ['EventDataStore'],
    output: RESTORE_OUTPUT_MEMBERS,
    errors: [
      ...IDENTIFIER_ERRORS,
      'InvalidEventDataStoreStatusException',
      'NotOrganizationMasterAccountException',
    ],
    unmodelledErrors: [],
  },
  AddTags: {
    input: ['ResourceId', 'TagsList'],
    output: [],
    errors: [...TAGGING_ERRORS, 'TagsLimitExceededException'],
    unmodelledErrors: [],
  },
  RemoveTags: {
    input: ['ResourceId', 'TagsList'],
    output: [],
    errors: TAGGING_ERRORS,
    unmodelledErrors: [],
  },
} as const satisfies Record<OperationName, OperationSpec>;
