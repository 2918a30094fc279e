{{- /*
One group-version: its package doc, an overview of its kinds, each kind
(unions first, then the acts of members), then every other type in
alphabetical order.
*/ -}}
{{- define "gvDetails" -}}
{{- $gv := . -}}
## {{ $gv.GroupVersionString }}

{{ template "docText" $gv.Doc }}

{{- $order := list "Coalition" "Alliance" "Federation" "Membership" "ExitTreaty" "Proposal" "Ballot" -}}
{{- $kinds := list -}}
{{- range $order }}{{ if $gv.TypeForKind . }}{{ $kinds = append $kinds . }}{{ end }}{{ end -}}
{{- range $gv.SortedKinds }}{{ if not (has . $kinds) }}{{ $kinds = append $kinds . }}{{ end }}{{ end }}

### Kinds

| Kind | Scope | Short name | Categories | What it is |
| --- | --- | --- | --- | --- |
{{ range $kinds -}}
{{- $t := $gv.TypeForKind . -}}
{{- $res := last (index $t.Markers "kubebuilder:resource") -}}
| {{ markdownRenderTypeLink $t }} | {{ if and $res $res.Scope }}{{ $res.Scope }}{{ else }}Namespaced{{ end }} | {{ if $res }}{{ range $i, $s := $res.ShortName }}{{ if $i }}, {{ end }}`{{ $s }}`{{ end }}{{ end }} | {{ if $res }}{{ range $i, $c := $res.Categories }}{{ if $i }}, {{ end }}`{{ $c }}`{{ end }}{{ end }} | {{ template "cellText" $t.Doc }} |
{{ end }}

{{ range $kinds }}
{{ template "type" ($gv.TypeForKind .) }}
{{ end }}

### Types

The types the kinds above are made of, in alphabetical order.

{{ range $gv.SortedTypes }}
{{- if not .GVK }}
{{ template "type" . }}
{{- end }}
{{ end }}

{{- end -}}
