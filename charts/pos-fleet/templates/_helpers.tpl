{{/*
The services this release renders, as a YAML dict `{ items: [...] }` (read back with fromYaml).
payments-worker needs role=writer as well as its component switch: a reader region never runs it.
*/}}
{{- define "pos-fleet.components" -}}
{{- $c := .Values.components | default dict -}}
items:
{{- if (hasKey $c "storefront" | ternary $c.storefront true) }}
  - name: storefront
    key: storefront
    public: true
    gateway: false
{{- end }}
{{- if (hasKey $c "inventoryDelta" | ternary $c.inventoryDelta true) }}
  - name: inventory-delta
    key: inventoryDelta
    public: true
    gateway: false
{{- end }}
{{- if and (eq .Values.role "writer") (hasKey $c "paymentsWorker" | ternary $c.paymentsWorker true) }}
  - name: payments-worker
    key: paymentsWorker
    public: false
    gateway: true
{{- end }}
{{- end -}}

{{- define "pos-fleet.migrationsEnabled" -}}
{{- $c := .Values.components | default dict -}}
{{- if and (eq .Values.role "writer") (hasKey $c "migrations" | ternary $c.migrations true) }}true{{ end -}}
{{- end -}}

{{- define "pos-fleet.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
{{- end -}}

{{/* Labels shared by every object; selector labels are the stable subset. */}}
{{- define "pos-fleet.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "pos-fleet.labels" -}}
{{ include "pos-fleet.selectorLabels" . }}
app.kubernetes.io/part-of: pos-fleet
app.kubernetes.io/version: {{ .root.Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
pos-fleet.io/region: {{ .root.Values.region }}
pos-fleet.io/role: {{ .root.Values.role }}
{{- end -}}

{{/* The port of a host:port endpoint. */}}
{{- define "pos-fleet.portOf" -}}
{{- regexReplaceAll "^.*:([0-9]+)$" . "${1}" -}}
{{- end -}}

{{/* The port of an http(s) URL, defaulting by scheme. */}}
{{- define "pos-fleet.urlPort" -}}
{{- $u := urlParse . -}}
{{- if regexMatch ":[0-9]+$" $u.host -}}
{{- regexReplaceAll "^.*:([0-9]+)$" $u.host "${1}" -}}
{{- else if eq $u.scheme "https" -}}443{{- else -}}80{{- end -}}
{{- end -}}

{{/* Distinct ports of a host:port[,host:port…] list, as a YAML list of ports. */}}
{{- define "pos-fleet.brokerPorts" -}}
{{- $ports := list -}}
{{- range (splitList "," .) -}}
{{- $ports = append $ports (include "pos-fleet.portOf" .) -}}
{{- end -}}
{{- range (uniq $ports) }}
- port: {{ . }}
  protocol: TCP
{{- end -}}
{{- end -}}

{{/*
Database credentials from the existing Secret, then the mysql:// URLs built from them with
Kubernetes' $(VAR) expansion, so no credential ever appears in a rendered manifest.
Arguments: root, user key, password key.
*/}}
{{- define "pos-fleet.dbCredentialsEnv" -}}
- name: DB_USER
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.database.existingSecret }}
      key: {{ .user }}
- name: DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.database.existingSecret }}
      key: {{ .password }}
{{- end -}}

{{- define "pos-fleet.securityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "pos-fleet.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Checks that cannot be expressed in values.schema.json. */}}
{{- define "pos-fleet.validate" -}}
{{- $t := .Values.termination -}}
{{- if le (int $t.terminationGracePeriodSeconds) (add $t.preStopSeconds $t.shutdownGraceSeconds | int) -}}
{{- fail (printf "termination.terminationGracePeriodSeconds (%d) must exceed preStopSeconds + shutdownGraceSeconds (%d): the kubelet would kill pods mid-drain" (int $t.terminationGracePeriodSeconds) (add $t.preStopSeconds $t.shutdownGraceSeconds | int)) -}}
{{- end -}}
{{- range $key := list "storefront" "inventoryDelta" "paymentsWorker" -}}
{{- $s := index $.Values $key -}}
{{- if gt (int $s.autoscaling.minReplicas) (int $s.autoscaling.maxReplicas) -}}
{{- fail (printf "%s.autoscaling.minReplicas must not exceed maxReplicas" $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "pos-fleet.egressDatabase" -}}
- to:
    {{- toYaml .Values.networkPolicy.egress.database | nindent 4 }}
  ports:
    {{- $ports := list (include "pos-fleet.portOf" .Values.database.readEndpoint) (include "pos-fleet.portOf" .Values.database.writeEndpoint) | uniq }}
    {{- range $ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
{{- end -}}

{{- define "pos-fleet.egressDns" -}}
{{- if .Values.networkPolicy.egress.dns -}}
- to:
    - namespaceSelector:
        matchLabels: { kubernetes.io/metadata.name: kube-system }
      podSelector:
        matchLabels: { k8s-app: kube-dns }
  ports:
    - { port: 53, protocol: UDP }
    - { port: 53, protocol: TCP }
{{- end -}}
{{- end -}}
