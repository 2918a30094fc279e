{{- /* The cells of one field's row, and the CEL rules of a type's fields. */ -}}

{{- define "type_members" -}}
{{- $field := . -}}
{{- if eq $field.Name "metadata" -}}
Standard object metadata; see the Kubernetes API reference.
{{- else -}}
{{ template "cellText" $field.Doc }}
{{- end -}}
{{- end -}}

{{- define "fieldType" -}}
{{- if eq .Type.Name "Duration" -}}
_duration_
{{- else -}}
_{{ markdownRenderType .Type }}_
{{- end -}}
{{- if or (index .Markers "required") (has "Required: {}" .Validation) }}, **required**{{ end -}}
{{- end -}}

{{- define "fieldDefault" -}}
{{- if .Default -}}
`{{ .Default | replace "{  }" "{}" }}`
{{- end -}}
{{- end -}}

{{- /* Doc text in a table cell: wrapped lines joined, paragraphs kept, pipes escaped. */ -}}
{{- define "cellText" -}}
{{- . | trim | replace "<" "&lt;" | replace ">" "&gt;" | replace "\n\n" "<br /><br />" | replace "\n" " " | replace "|" "\\|" -}}
{{- end -}}

{{- /* Doc text outside tables: <placeholders> kept visible. */ -}}
{{- define "docText" -}}
{{- . | replace "<" "&lt;" | replace ">" "&gt;" -}}
{{- end -}}

{{- define "fieldValidation" -}}
{{- $field := . -}}
{{- $cells := list -}}
{{- range $field.Validation -}}
{{- if or (eq . "Required: {}") (eq . "Optional: {}") (eq . "Type: string") -}}
{{- else if eq . "EmbeddedResource: {}" -}}
{{- $cells = append $cells "an object with apiVersion and kind" -}}
{{- else -}}
{{- $cells = append $cells . -}}
{{- end -}}
{{- end -}}
{{- $listType := last (index $field.Markers "listType") -}}
{{- if eq (toString $listType) "set" -}}
{{- $cells = append $cells "unique items" -}}
{{- else if eq (toString $listType) "map" -}}
{{- $keys := list -}}
{{- range (index $field.Markers "listMapKey") }}{{ $keys = append $keys (printf "`%s`" (toString .)) }}{{ end -}}
{{- $cells = append $cells (printf "unique by %s" (join ", " $keys)) -}}
{{- end -}}
{{- $typeRules := list -}}
{{- range (index $field.Type.Markers "kubebuilder:validation:XValidation") }}{{ $typeRules = append $typeRules .Rule }}{{ end -}}
{{- range (index $field.Markers "kubebuilder:validation:XValidation") -}}
{{- if not (has .Rule $typeRules) -}}
{{- $cells = append $cells (printf "CEL: %s" (.Message | replace "<" "&lt;" | replace ">" "&gt;")) -}}
{{- end -}}
{{- end -}}
{{- join "<br />" $cells | replace "|" "\\|" -}}
{{- end -}}

{{- /* After a field table: the CEL expressions of the rules written on its fields. */ -}}
{{- define "fieldRules" -}}
{{- $lines := list -}}
{{- range .Members -}}
{{- $field := . -}}
{{- $typeRules := list -}}
{{- range (index $field.Type.Markers "kubebuilder:validation:XValidation") }}{{ $typeRules = append $typeRules .Rule }}{{ end -}}
{{- range (index $field.Markers "kubebuilder:validation:XValidation") -}}
{{- if not (has .Rule $typeRules) -}}
{{- $lines = append $lines (printf "- `%s`: %s — `%s`" $field.Name (.Message | replace "<" "&lt;" | replace ">" "&gt;") .Rule) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $lines -}}
<details><summary>CEL rules of these fields</summary>

{{ join "\n" $lines }}

</details>
{{- end -}}
{{- end -}}
