/**
 * Typed L1 constructs for the Argo CD CRDs (argoproj.io/v1alpha1), the shape `cdk8s import`
 * generates: one ApiObject subclass per kind with its GVK and typed props.
 *
 * The prop types come from @kubernetes-models/argo-cd, itself generated from Argo CD's CRD
 * schemas, instead of a `cdk8s import <url>` run: that needs the CRDs fetched over the
 * network, and these types (plus the same package's ajv validators, used in the tests) work
 * offline. The object is emitted exactly as given.
 */
import { ApiObject, type ApiObjectMetadata, type GroupVersionKind } from 'cdk8s'
import type { Construct } from 'constructs'
import type { IAppProject, IApplication, IApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1'

export type ApplicationSetSpec = IApplicationSet['spec']
export type ApplicationTemplate = ApplicationSetSpec['template']
export type AppProjectSpec = NonNullable<IAppProject['spec']>
export type ApplicationSpec = IApplication['spec']

export interface ApplicationSetProps {
  readonly metadata: ApiObjectMetadata
  readonly spec: ApplicationSetSpec
}

export class ApplicationSet extends ApiObject {
  static readonly GVK: GroupVersionKind = { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet' }

  constructor(scope: Construct, id: string, props: ApplicationSetProps) {
    super(scope, id, { ...ApplicationSet.GVK, ...props })
  }
}

export interface AppProjectProps {
  readonly metadata: ApiObjectMetadata
  readonly spec: AppProjectSpec
}

export class AppProject extends ApiObject {
  static readonly GVK: GroupVersionKind = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject' }

  constructor(scope: Construct, id: string, props: AppProjectProps) {
    super(scope, id, { ...AppProject.GVK, ...props })
  }
}
