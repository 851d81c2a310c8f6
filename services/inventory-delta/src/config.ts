import { Type } from '@sinclair/typebox'
import { BaseEnv, DatabaseEnv } from '@pos-fleet/platform/config'

export const InventoryDeltaEnv = Type.Object({ ...BaseEnv, ...DatabaseEnv })
