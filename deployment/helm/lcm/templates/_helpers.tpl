{{- define "lcm.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{/* Labels of every object; "component" is the app (control-plane-api, resource-scheduler…). */}}
{{- define "lcm.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/component: {{ .component }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "lcm.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "lcm.image" -}}
{{ printf "%s/%s:%s" .root.Values.image.registry .component (default .root.Chart.AppVersion .root.Values.image.tag) }}
{{- end -}}

{{- define "lcm.secretName" -}}
{{ default (printf "%s-secrets" (include "lcm.fullname" .)) .Values.secrets.existingSecret }}
{{- end -}}

{{- define "lcm.serviceAccountName" -}}
{{ if .Values.serviceAccount.create }}{{ include "lcm.fullname" . }}{{ else }}default{{ end }}
{{- end -}}

{{/* Pod settings shared by every Deployment: security, /tmp on an emptyDir (read-only root). */}}
{{- define "lcm.podSpec" -}}
serviceAccountName: {{ include "lcm.serviceAccountName" .root }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets: {{ toYaml . | nindent 2 }}
{{- end }}
securityContext: {{ toYaml .root.Values.podSecurityContext | nindent 2 }}
volumes:
  - name: tmp
    emptyDir: {}
{{- end -}}
