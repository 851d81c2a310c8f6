/**
 * Offline schema validation of rendered and synthesized objects: Kubernetes built-in kinds
 * with kubernetes-models (ajv validators generated from the Kubernetes OpenAPI), Argo CD kinds
 * with @kubernetes-models/argo-cd (generated from Argo CD's CRDs). Neither rejects unknown
 * fields, so `assertNoUnknownTopLevelFields` guards the typo that matters most (a misspelled
 * top-level key is silently dropped by the API server).
 */
import { Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1'
import { Deployment } from 'kubernetes-models/apps/v1'
import { Job } from 'kubernetes-models/batch/v1'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1'
import { AppProject, Application, ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1'

export interface K8sObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
  [key: string]: unknown
}

type Model = new (data: any) => { validate(): void }

const MODELS: Readonly<Record<string, Model>> = {
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'argoproj.io/v1alpha1/Application': Application,
  'argoproj.io/v1alpha1/ApplicationSet': ApplicationSet,
  'argoproj.io/v1alpha1/AppProject': AppProject,
}

const TOP_LEVEL: Readonly<Record<string, readonly string[]>> = {
  Secret: ['data', 'stringData', 'type', 'immutable'],
  ServiceAccount: ['automountServiceAccountToken', 'imagePullSecrets', 'secrets'],
  Namespace: ['spec'],
}

/** Validates one object against its kind's schema; throws naming the object on failure. */
export function validateObject(obj: K8sObject): void {
  const key = `${obj.apiVersion}/${obj.kind}`
  const Model = MODELS[key]
  const where = `${obj.kind}/${obj.metadata?.name ?? '?'}`
  if (!Model) throw new Error(`${where}: no schema known for ${key} (add it to MODELS)`)
  try {
    new Model(obj).validate()
  } catch (error) {
    throw new Error(`${where} does not match the ${key} schema: ${(error as Error).message}`, { cause: error })
  }
  assertNoUnknownTopLevelFields(obj)
}

export function assertNoUnknownTopLevelFields(obj: K8sObject): void {
  const allowed = new Set(['apiVersion', 'kind', 'metadata', ...(TOP_LEVEL[obj.kind] ?? ['spec'])])
  const unknown = Object.keys(obj).filter((k) => !allowed.has(k))
  if (unknown.length > 0) throw new Error(`${obj.kind}/${obj.metadata.name} has unknown top-level fields: ${unknown.join(', ')}`)
}
