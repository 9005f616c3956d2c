{{/*
The objects of one Courier service, called with (dict "root" $ "component" "auth"). Each
component folder holds one small file per object kind that includes these definitions, so the
four services stay alike and differ only in their values.
*/}}

{{/* Environment of a service from its configuration: application.yaml keys -> env names. */}}
{{- define "courier.app.config" -}}
{{- $root := .root }}
{{- $c := .component }}
{{- $svc := index $root.Values $c }}
{{- $cfg := dict }}
{{- $_ := set $cfg "server.port" (toString $svc.port) }}
{{- $_ := set $cfg "server.host" "0.0.0.0" }}
{{- /* /health, /metrics, /openapi: a port of their own that no Ingress or HTTPRoute points at. */}}
{{- $_ := set $cfg "courier.management.port" (toString $root.Values.management.port) }}
{{- /* SIGTERM comes after preStop; then the drain (WebSockets: up to 3 s) and closing leave 10 s. */}}
{{- $grace := sub (sub (int $svc.terminationGracePeriodSeconds) (int $svc.preStopSeconds)) 10 }}
{{- if lt $grace 5 }}
{{- fail (printf "%s.terminationGracePeriodSeconds must be at least %s.preStopSeconds + 15 (preStop, a drain of up to 10 s, 5 s for requests in flight)" $c $c) }}
{{- end }}
{{- $_ := set $cfg "courier.shutdown.graceseconds" (toString $grace) }}
{{- /* web serves static files: no database, Redis, Kafka or auth. */}}
{{- if ne $c "web" }}
{{- $db := include "courier.databaseName" . }}
{{- $params := ternary "" $root.Values.externalDatabase.params $root.Values.postgresql.enabled }}
{{- $_ := set $cfg "courier.db.url" (printf "jdbc:postgresql://%s:%s/%s%s" (include "courier.postgresHost" $root) (include "courier.postgresPort" $root) $db $params) }}
{{- $_ := set $cfg "courier.db.user" $db }}
{{- $_ := set $cfg "courier.kafka.bootstrap" (include "courier.kafkaBootstrap" $root) }}
{{- $_ := set $cfg "courier.kafka.partitions" (toString $root.Values.kafka.partitions) }}
{{- $_ := set $cfg "courier.kafka.replication" (include "courier.kafkaReplication" $root) }}
{{- $authUrl := include "courier.serviceUrl" (dict "root" $root "component" "auth") }}
{{- /* Seed 002's public gRPC listener (plain h2c: the ingress or Gateway terminates TLS in front of it). */}}
{{- if has $c (list "auth" "messenger") }}
{{- $_ := set $cfg (printf "courier.%s.publicgrpc.port" $c) (toString $svc.publicGrpcPort) }}
{{- end }}
{{- if eq $c "auth" }}
{{- $_ := set $cfg "courier.auth.grpc.port" (toString $svc.grpcPort) }}
{{- $_ := set $cfg "courier.auth.reset.url" (printf "https://%s/app/#reset=" $root.Values.publicHost) }}
{{- else }}
{{- $_ := set $cfg "courier.auth.jwks" (printf "%s/.well-known/jwks.json" $authUrl) }}
{{- $_ := set $cfg "courier.auth.url" $authUrl }}
{{- /* With internal TLS the UserDirectory client speaks TLS to auth's gRPC listener (https:// says so). */}}
{{- $_ := set $cfg "courier.auth.grpc" (printf "%s%s:%d" (ternary "https://" "" $root.Values.tls.internal.enabled) (include "courier.componentName" (dict "root" $root "component" "auth")) (int $root.Values.auth.grpcPort)) }}
{{- end }}
{{- end }}
{{- if or (eq $c "auth") (eq $c "notifier") }}
{{- $_ := set $cfg "courier.smtp.host" $root.Values.smtp.host }}
{{- $_ := set $cfg "courier.smtp.port" (toString $root.Values.smtp.port) }}
{{- $_ := set $cfg "courier.smtp.starttls" (toString $root.Values.smtp.starttls) }}
{{- if $root.Values.smtp.user }}
{{- $_ := set $cfg "courier.smtp.user" $root.Values.smtp.user }}
{{- end }}
{{- end }}
{{- if eq $c "notifier" }}
{{- $_ := set $cfg "courier.notifier.publicurl" (printf "https://%s" $root.Values.publicHost) }}
{{- /* Mutes are checked against memberships by asking messenger as the caller. */}}
{{- $_ := set $cfg "courier.messenger.url" (include "courier.serviceUrl" (dict "root" $root "component" "messenger")) }}
{{- end }}
{{- if $root.Values.tls.internal.enabled }}
{{- /* The HTTP port: Helidon's own server.tls keys. */}}
{{- $_ := set $cfg "server.tls.private-key.pem.key.resource.path" "/etc/courier/tls/tls.key" }}
{{- $_ := set $cfg "server.tls.private-key.pem.cert-chain.resource.path" "/etc/courier/tls/tls.crt" }}
{{- $_ := set $cfg "server.tls.trust.pem.certificates.resource.path" "/etc/courier/tls/ca.crt" }}
{{- /* Courier's clients (JWKS, gRPC UserDirectory) trust courier.tls.ca; auth's gRPC listener serves courier.tls.cert/key. */}}
{{- $_ := set $cfg "courier.tls.ca" "/etc/courier/tls/ca.crt" }}
{{- $_ := set $cfg "courier.tls.cert" "/etc/courier/tls/tls.crt" }}
{{- $_ := set $cfg "courier.tls.key" "/etc/courier/tls/tls.key" }}
{{- end }}
{{- range $k, $v := $svc.config }}
{{- $_ := set $cfg $k (toString $v) }}
{{- end }}
{{- range $k := keys $cfg | sortAlpha }}
{{ include "courier.envName" $k }}: {{ get $cfg $k | quote }}
{{- end }}
{{- end }}

{{- define "courier.app.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "courier.componentName" . }}
  labels:
    {{- include "courier.labels" . | nindent 4 }}
data:
  {{- include "courier.app.config" . | trim | nindent 2 }}
{{- end }}

{{- define "courier.app.serviceaccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "courier.componentName" . }}
  labels:
    {{- include "courier.labels" . | nindent 4 }}
  {{- with (index .root.Values .component).serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
# The services never call the Kubernetes API.
automountServiceAccountToken: false
{{- end }}

{{- define "courier.app.service" -}}
{{- $svc := index .root.Values .component }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "courier.componentName" . }}
  labels:
    {{- include "courier.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "courier.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $svc.port }}
      targetPort: http
      protocol: TCP
      appProtocol: {{ include "courier.scheme" .root }}
    # /metrics for Prometheus (and /health, /openapi): never routed by the Ingress or HTTPRoute.
    - name: management
      port: {{ .root.Values.management.port }}
      targetPort: management
      protocol: TCP
      appProtocol: http
    {{- if eq .component "auth" }}
    - name: grpc
      port: {{ $svc.grpcPort }}
      targetPort: grpc
      protocol: TCP
      appProtocol: grpc
    {{- end }}
    {{- if and .root.Values.publicGrpc.enabled (has .component (list "auth" "messenger")) }}
    # Seed 002's public gRPC API, routed by the "-grpc" Ingress and the GRPCRoute; HTTP/2 without TLS
    # behind the proxy (kubernetes.io/h2c tells a Gateway so).
    - name: grpc-public
      port: {{ $svc.publicGrpcPort }}
      targetPort: grpc-public
      protocol: TCP
      appProtocol: kubernetes.io/h2c
    {{- end }}
{{- end }}

{{- define "courier.app.deployment" -}}
{{- $root := .root }}
{{- $svc := index $root.Values .component }}
{{- $secret := include "courier.secretName" $root }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "courier.componentName" . }}
  labels:
    {{- include "courier.labels" . | nindent 4 }}
spec:
  {{- if not (and $svc.autoscaling $svc.autoscaling.enabled) }}
  replicas: {{ $svc.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "courier.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "courier.labels" . | nindent 8 }}
      annotations:
        # Roll the pods when their configuration changes.
        checksum/config: {{ include "courier.app.config" . | sha256sum }}
        {{- with $svc.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "courier.componentName" . }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ $svc.terminationGracePeriodSeconds }}
      securityContext:
        {{- include "courier.podSecurityContext" (dict "root" $root) | nindent 8 }}
      {{- include "courier.imagePullSecrets" $root | nindent 6 }}
      {{- if $root.Values.topologySpread.enabled }}
      topologySpreadConstraints:
        {{- range $key := list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
        - maxSkew: {{ $root.Values.topologySpread.maxSkew }}
          topologyKey: {{ $key }}
          whenUnsatisfiable: {{ $root.Values.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "courier.selectorLabels" $ | nindent 14 }}
        {{- end }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "courier.image" . }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $svc.port }}
              protocol: TCP
            {{- if eq .component "auth" }}
            - name: grpc
              containerPort: {{ $svc.grpcPort }}
              protocol: TCP
            {{- end }}
            {{- if has .component (list "auth" "messenger") }}
            - name: grpc-public
              containerPort: {{ $svc.publicGrpcPort }}
              protocol: TCP
            {{- end }}
            - name: management
              containerPort: {{ $root.Values.management.port }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "courier.componentName" . }}
          env:
            - name: JAVA_TOOL_OPTIONS
              value: {{ $root.Values.jvmOptions | quote }}
            {{- if ne .component "web" }}
            - name: COURIER_DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ $secret }}
                  key: {{ .component }}-db-password
            - name: REDIS_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ $secret }}
                  key: redis-password
            - name: COURIER_REDIS_URL
              value: "{{ include "courier.redisScheme" $root }}://:$(REDIS_PASSWORD)@{{ include "courier.redisHostPort" $root }}"
            {{- end }}
            {{- if eq .component "auth" }}
            - name: COURIER_AUTH_SIGNINGKEY
              valueFrom:
                secretKeyRef:
                  name: {{ $secret }}
                  key: jwt-signing-key
            {{- /* The UserDirectory admits each calling service by its own credential. */}}
            - name: COURIER_AUTH_GRPC_CLIENTS_MESSENGER_CREDENTIAL
              valueFrom:
                secretKeyRef:
                  name: {{ $secret }}
                  key: directory-messenger-credential
            - name: COURIER_AUTH_GRPC_CLIENTS_NOTIFIER_CREDENTIAL
              valueFrom:
                secretKeyRef:
                  name: {{ $secret }}
                  key: directory-notifier-credential
            {{- end }}
            {{- if or (eq .component "messenger") (eq .component "notifier") }}
            - name: COURIER_AUTH_DIRECTORYCREDENTIAL
              valueFrom:
                secretKeyRef:
                  name: {{ $secret }}
                  key: directory-{{ .component }}-credential
            {{- end }}
            {{- if eq .component "notifier" }}
            - name: COURIER_NOTIFIER_VAPID_PUBLIC
              valueFrom:
                secretKeyRef:
                  name: {{ $secret }}
                  key: vapid-public-key
            - name: COURIER_NOTIFIER_VAPID_PRIVATE
              valueFrom:
                secretKeyRef:
                  name: {{ $secret }}
                  key: vapid-private-key
            - name: COURIER_NOTIFIER_UNSUBSCRIBE_KEY
              valueFrom:
                secretKeyRef:
                  name: {{ $secret }}
                  key: notifier-unsubscribe-key
            {{- end }}
            {{- if and (or (eq .component "auth") (eq .component "notifier")) $root.Values.smtp.user }}
            - name: COURIER_SMTP_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ $secret }}
                  key: smtp-password
            {{- end }}
            {{- with $root.Values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            {{- with $svc.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          # Probes on the management port (plain HTTP even with internal TLS). Liveness is the
          # process answering; readiness needs PostgreSQL only, so a Kafka or Redis outage does not
          # take every pod out of the Service.
          startupProbe:
            httpGet:
              path: /health/live
              port: management
              scheme: HTTP
            periodSeconds: 3
            timeoutSeconds: 2
            # Migrations and Kafka topic creation run before the port opens: up to 3 minutes.
            failureThreshold: 60
          livenessProbe:
            httpGet:
              path: /health/live
              port: management
              scheme: HTTP
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /health/ready
              port: management
              scheme: HTTP
            # Every readiness check answers within 1 s.
            periodSeconds: 5
            timeoutSeconds: 2
            failureThreshold: 3
          lifecycle:
            # The image has no shell: the kubelet sleeps, while the endpoint leaves Services and the
            # Ingress; then SIGTERM: readiness DOWN, drain, requests in flight finish
            # (courier.shutdown.graceseconds = terminationGracePeriodSeconds - preStopSeconds - 10).
            preStop:
              sleep:
                seconds: {{ $svc.preStopSeconds }}
          resources:
            {{- toYaml $svc.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.containerSecurityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if $root.Values.tls.internal.enabled }}
            - name: internal-tls
              mountPath: /etc/courier/tls
              readOnly: true
            {{- end }}
            {{- with $root.Values.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        # The root filesystem is read-only; the JVM needs a writable /tmp.
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- if $root.Values.tls.internal.enabled }}
        - name: internal-tls
          secret:
            secretName: {{ include "courier.internalTlsSecret" $root }}
            defaultMode: 0440
        {{- end }}
        {{- with $root.Values.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $svc.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}

{{- define "courier.app.hpa" -}}
{{- $svc := index .root.Values .component }}
{{- if $svc.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "courier.componentName" . }}
  labels:
    {{- include "courier.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "courier.componentName" . }}
  minReplicas: {{ $svc.autoscaling.minReplicas }}
  maxReplicas: {{ $svc.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $svc.autoscaling.targetCPUUtilizationPercentage }}
  behavior:
    # Scale down slowly: each removed messenger pod makes its WebSocket clients reconnect.
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
        - type: Pods
          value: 1
          periodSeconds: 60
{{- end }}
{{- end }}

{{- define "courier.app.pdb" -}}
{{- $svc := index .root.Values .component }}
{{- if $svc.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "courier.componentName" . }}
  labels:
    {{- include "courier.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ $svc.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "courier.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}
