{{- /*
One type: a kind (with apiVersion, scope, short names and kubectl columns), a
struct (with its rules and its field table), or an enumeration (with its
values).
*/ -}}
{{- define "type" -}}
{{- $type := . -}}
{{- if markdownShouldRenderType $type -}}

#### {{ $type.Name }}

{{- if $type.GVK }}
{{- $res := last (index $type.Markers "kubebuilder:resource") }}

`apiVersion: {{ $type.GVK.Group }}/{{ $type.GVK.Version }}`, `kind: {{ $type.GVK.Kind }}` —
{{ if and $res $res.Scope }}{{ lower $res.Scope }}-scoped{{ else }}namespaced{{ end -}}
{{- if $res }}{{ if $res.ShortName }}, short name {{ range $i, $s := $res.ShortName }}{{ if $i }}, {{ end }}`{{ $s }}`{{ end }}{{ end }}{{ if $res.Categories }}, in the {{ range $i, $c := $res.Categories }}{{ if $i }}, {{ end }}`{{ $c }}`{{ end }} category{{ end }}{{ end }}.
{{- end }}

{{ if $type.IsAlias }}_Underlying type:_ {{ markdownRenderTypeLink $type.UnderlyingType }}{{ end }}

{{ template "docText" $type.Doc }}

{{ template "typeRules" $type }}

{{ if $type.References -}}
_Appears in:_ {{ range $i, $r := $type.SortedReferences }}{{ if $i }}, {{ end }}{{ markdownRenderTypeLink $r }}{{ end }}
{{- end }}

{{ if $type.Members -}}
| Field | Type | Description | Default | Validation |
| --- | --- | --- | --- | --- |
{{ if $type.GVK -}}
| `apiVersion` | _string_ | `{{ $type.GVK.Group }}/{{ $type.GVK.Version }}` | | |
| `kind` | _string_ | `{{ $type.GVK.Kind }}` | | |
{{ end -}}
{{ range $type.Members -}}
| `{{ .Name }}` | {{ template "fieldType" . }} | {{ template "type_members" . }} | {{ template "fieldDefault" . }} | {{ template "fieldValidation" . }} |
{{ end }}
{{ template "fieldRules" $type }}
{{- end }}

{{ if $type.EnumValues -}}
{{- $documented := false -}}
{{- range $type.EnumValues }}{{ if trim .Doc }}{{ $documented = true }}{{ end }}{{ end -}}
{{- if $documented -}}
| Value | Meaning |
| --- | --- |
{{ range $type.EnumValues -}}
| `{{ .Name }}` | {{ template "cellText" .Doc }} |
{{ end -}}
{{- else -}}
Values: {{ range $i, $v := $type.EnumValues }}{{ if $i }}, {{ end }}`{{ $v.Name }}`{{ end }}.
{{- end -}}
{{- end }}

{{ if $type.GVK -}}
{{- $columns := index $type.Markers "kubebuilder:printcolumn" -}}
{{- if $columns -}}
`kubectl get` columns: NAME{{ if not (and (last (index $type.Markers "kubebuilder:resource")) (eq (last (index $type.Markers "kubebuilder:resource")).Scope "Cluster")) }} (and NAMESPACE with `-A`){{ end }}, {{ range $i, $c := $columns }}{{ if $i }}, {{ end }}{{ upper $c.Name }}{{ if ne $c.Name "Age" }} (`{{ $c.JSONPath }}`){{ end }}{{ end }}.
{{- end }}
{{- end }}

{{- end -}}
{{- end -}}

{{- /* Rules (CEL) that apply to a whole type, with their messages. */ -}}
{{- define "typeRules" -}}
{{- $rules := index .Markers "kubebuilder:validation:XValidation" -}}
{{- if $rules -}}
_Rules:_
{{ range $rules }}
- {{ template "docText" .Message }} — `{{ .Rule }}`
{{- end }}
{{- end -}}
{{- end -}}
