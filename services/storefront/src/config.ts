import { Type } from '@sinclair/typebox'
import { BaseEnv, DatabaseEnv, KafkaEnv, StoreAndForwardEnv } from '@pos-fleet/platform/config'

export const StorefrontEnv = Type.Object({ ...BaseEnv, ...DatabaseEnv, ...KafkaEnv, ...StoreAndForwardEnv })
