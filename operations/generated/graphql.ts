/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Level in the five-level hierarchy 市 → 区/县 → 街道/乡镇 → 社区/村 → 网格. */
export type AreaLevel =
  /** 市: prefecture-level city (GB/T 2260, ends in 00) */
  | 'CITY'
  /** 社区/村: community or village: township's 9 digits + 3 (0xx–1xx 居委会, 2xx–3xx 村委会) */
  | 'COMMUNITY'
  /** 区/县: district or county (GB/T 2260) */
  | 'DISTRICT'
  /** 网格: grid: community code + 3-digit grid number */
  | 'GRID'
  /** 街道/乡镇: street or township: county code + 3 digits (001–099 街道, 100–199 镇, 200–399 乡) + 000 */
  | 'STREET';

/** What kind of matter an event is. */
export type EventKind =
  /** 矛盾纠纷. */
  | 'DISPUTE'
  /** 网格巡查上报 and other grid registrations. */
  | 'GRID_REPORT'
  /** 12345 工单. */
  | 'HOTLINE_TICKET'
  /** 信访件. */
  | 'PETITION'
  /** 110 警情, non-police calls included. */
  | 'POLICE_INCIDENT';

/** A person's part in an event. */
export type EventPersonRole =
  /** Other. */
  | 'OTHER'
  /** 当事人. */
  | 'PARTY'
  /** 信访人. */
  | 'PETITIONER'
  /** 报告人 / 来电人. */
  | 'REPORTER'
  /** 涉事人. */
  | 'SUBJECT'
  /** 受害人. */
  | 'VICTIM'
  /** 证人. */
  | 'WITNESS';

/** Where an event stands in the closed loop 发现上报 → 统一受理 → 指挥派遣 → 处置反馈 → 任务核实 → 评价归档. */
export type EventStatus =
  /** 统一受理: accepted. */
  | 'ACCEPTED'
  /** 评价归档: evaluated and archived. */
  | 'ARCHIVED'
  /** 指挥派遣: dispatched to a handling unit. */
  | 'DISPATCHED'
  /** 处置反馈: handled, feedback given. */
  | 'HANDLED'
  /** 不予受理: not accepted. */
  | 'REJECTED'
  /** 发现上报: reported. */
  | 'REPORTED'
  /** 任务核实: verified. */
  | 'VERIFIED';

/** What kind of organisation. */
export type OrganisationKind =
  /** 企业. */
  | 'ENTERPRISE'
  /** 机关. */
  | 'GOVERNMENT_UNIT'
  /** 基层群众自治组织 (居委会, 村委会) and mediation committees. */
  | 'GRASSROOTS'
  /** Other, or not known (e.g. a unit as a caller named it). */
  | 'OTHER'
  /** 事业单位. */
  | 'PUBLIC_INSTITUTION'
  /** 社会组织, registered with civil affairs. */
  | 'SOCIAL_ORGANISATION';

/** How a person is tied to an address. */
export type PersonAddressKind =
  /** Other. */
  | 'OTHER'
  /** 户籍地. */
  | 'REGISTERED'
  /** 居住地 / 现住址. */
  | 'RESIDENT'
  /** 工作地. */
  | 'WORK';

/** Sex as registered (GB/T 2261.1). */
export type Sex =
  /** 女. */
  | 'FEMALE'
  /** 男. */
  | 'MALE'
  /** Not known. */
  | 'UNKNOWN';

/** Three-colour early warning (三色预警). */
export type WarningLevel =
  /** 蓝色: limited scope. */
  | 'BLUE'
  /** No warning. */
  | 'NONE'
  /** 红色: major; escalate. */
  | 'RED'
  /** 黄色: serious. */
  | 'YELLOW';

export type AreaEventsQueryVariables = Exact<{
  code: string;
  first: number;
  after?: string | null | undefined;
}>;


export type AreaEventsQuery = { events: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node:
        | { id: string, kind: EventKind, title: string, status: EventStatus, occurredAt: string, warningLevel: WarningLevel, area: { code: string, name: string }, parties: Array<{ role: EventPersonRole, person: { id: string, name: string } }> }
        | { id: string, kind: EventKind, title: string, status: EventStatus, occurredAt: string, warningLevel: WarningLevel, area: { code: string, name: string }, parties: Array<{ role: EventPersonRole, person: { id: string, name: string } }> }
        | { id: string, kind: EventKind, title: string, status: EventStatus, occurredAt: string, warningLevel: WarningLevel, area: { code: string, name: string }, parties: Array<{ role: EventPersonRole, person: { id: string, name: string } }> }
        | { id: string, kind: EventKind, title: string, status: EventStatus, occurredAt: string, warningLevel: WarningLevel, area: { code: string, name: string }, parties: Array<{ role: EventPersonRole, person: { id: string, name: string } }> }
        | { id: string, kind: EventKind, title: string, status: EventStatus, occurredAt: string, warningLevel: WarningLevel, area: { code: string, name: string }, parties: Array<{ role: EventPersonRole, person: { id: string, name: string } }> }
       }> } };

export type AreaOverviewQueryVariables = Exact<{
  code: string;
}>;


export type AreaOverviewQuery = { area: { id: string, code: string, name: string, level: AreaLevel, kind: string | null, ancestors: Array<{ code: string, name: string }>, subtreeCounts: { streets: number, communities: number, grids: number }, children: { totalCount: number, edges: Array<{ node: { id: string, code: string, name: string, level: AreaLevel } }> } } | null };

export type GridsUnderQueryVariables = Exact<{
  under: string;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type GridsUnderQuery = { areas: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, code: string, name: string, parent: { name: string } | null } }> } };

export type CorrectAreaNameMutationVariables = Exact<{
  code: string;
  name: string;
}>;


export type CorrectAreaNameMutation = { updateArea: { id: string, name: string, updatedAt: string } };

export type AreaChangesSubscriptionVariables = Exact<{
  under?: string | null | undefined;
}>;


export type AreaChangesSubscription = { areaChanged: { id: string, code: string, name: string } };

export type HubHeartbeatSubscriptionVariables = Exact<{
  everySeconds?: number | null | undefined;
}>;


export type HubHeartbeatSubscription = { heartbeat: { at: string, databaseReady: boolean, instance: string } };

export type Person360QueryVariables = Exact<{
  citizenId: string;
}>;


export type Person360Query = { person: { id: string, name: string, citizenId: string | null, phone: string | null, sex: Sex, birthDate: string | null, addresses: Array<{ kind: PersonAddressKind, address: { id: string, fullText: string, area: { code: string, name: string } } }>, organisations: Array<{ role: string, organisation: { id: string, name: string, uscc: string | null, kind: OrganisationKind } }>, events: { totalCount: number, edges: Array<{ role: EventPersonRole, node:
          | { id: string, kind: EventKind, title: string, status: EventStatus, occurredAt: string, warningLevel: WarningLevel, area: { code: string, name: string }, address: { fullText: string } | null, parties: Array<{ role: EventPersonRole, person: { id: string, name: string } }> }
          | { id: string, kind: EventKind, title: string, status: EventStatus, occurredAt: string, warningLevel: WarningLevel, area: { code: string, name: string }, address: { fullText: string } | null, parties: Array<{ role: EventPersonRole, person: { id: string, name: string } }> }
          | { id: string, kind: EventKind, title: string, status: EventStatus, occurredAt: string, warningLevel: WarningLevel, area: { code: string, name: string }, address: { fullText: string } | null, parties: Array<{ role: EventPersonRole, person: { id: string, name: string } }> }
          | { id: string, kind: EventKind, title: string, status: EventStatus, occurredAt: string, warningLevel: WarningLevel, area: { code: string, name: string }, address: { fullText: string } | null, parties: Array<{ role: EventPersonRole, person: { id: string, name: string } }> }
          | { id: string, kind: EventKind, title: string, status: EventStatus, occurredAt: string, warningLevel: WarningLevel, area: { code: string, name: string }, address: { fullText: string } | null, parties: Array<{ role: EventPersonRole, person: { id: string, name: string } }> }
         }> }, sources: Array<{ connectorId: string, sourceKey: string, fetchedAt: string }> } | null };


export const AreaEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AreaEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"events"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"under"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"EnumValue","value":"OCCURRED_AT_DESC"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"warningLevel"}},{"kind":"Field","name":{"kind":"Name","value":"area"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"parties"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<AreaEventsQuery, AreaEventsQueryVariables>;
export const AreaOverviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AreaOverview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"area"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"ancestors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"subtreeCounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"streets"}},{"kind":"Field","name":{"kind":"Name","value":"communities"}},{"kind":"Field","name":{"kind":"Name","value":"grids"}}]}},{"kind":"Field","name":{"kind":"Name","value":"children"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<AreaOverviewQuery, AreaOverviewQueryVariables>;
export const GridsUnderDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GridsUnder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"under"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"50"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"areas"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"level"},"value":{"kind":"EnumValue","value":"GRID"}},{"kind":"Argument","name":{"kind":"Name","value":"under"},"value":{"kind":"Variable","name":{"kind":"Name","value":"under"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<GridsUnderQuery, GridsUnderQueryVariables>;
export const CorrectAreaNameDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CorrectAreaName"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateArea"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<CorrectAreaNameMutation, CorrectAreaNameMutationVariables>;
export const AreaChangesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"AreaChanges"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"under"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"areaChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"under"},"value":{"kind":"Variable","name":{"kind":"Name","value":"under"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<AreaChangesSubscription, AreaChangesSubscriptionVariables>;
export const HubHeartbeatDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"HubHeartbeat"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"everySeconds"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"heartbeat"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"everySeconds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"everySeconds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"databaseReady"}},{"kind":"Field","name":{"kind":"Name","value":"instance"}}]}}]}}]} as unknown as DocumentNode<HubHeartbeatSubscription, HubHeartbeatSubscriptionVariables>;
export const Person360Document = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Person360"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"citizenId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"person"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"citizenId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"citizenId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"citizenId"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"sex"}},{"kind":"Field","name":{"kind":"Name","value":"birthDate"}},{"kind":"Field","name":{"kind":"Name","value":"addresses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"address"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"fullText"}},{"kind":"Field","name":{"kind":"Name","value":"area"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"organisations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"uscc"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"events"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"EnumValue","value":"OCCURRED_AT_DESC"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"warningLevel"}},{"kind":"Field","name":{"kind":"Name","value":"area"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"address"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullText"}}]}},{"kind":"Field","name":{"kind":"Name","value":"parties"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connectorId"}},{"kind":"Field","name":{"kind":"Name","value":"sourceKey"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}}]}}]}}]}}]} as unknown as DocumentNode<Person360Query, Person360QueryVariables>;