#!/usr/bin/env bash
# Installs what the chart expects in a cluster, at pinned versions: the NGINX ingress controller
# (kind flavour: binds the node's ports 80/443) and cert-manager with Courier's issuers.
# Usage: k8s/prerequisites.sh   (kubectl and helm on the PATH, the current context = the cluster)
set -euo pipefail
cd "$(dirname "$0")"

INGRESS_NGINX_VERSION=controller-v1.12.1
CERT_MANAGER_VERSION=v1.17.2

kubectl apply -f "https://raw.githubusercontent.com/kubernetes/ingress-nginx/${INGRESS_NGINX_VERSION}/deploy/static/provider/kind/deploy.yaml"

helm repo add jetstack https://charts.jetstack.io --force-update >/dev/null
helm upgrade --install cert-manager jetstack/cert-manager --version "${CERT_MANAGER_VERSION}" \
  --namespace cert-manager --create-namespace --set crds.enabled=true --wait --timeout 5m

kubectl -n ingress-nginx wait --for=condition=ready pod -l app.kubernetes.io/component=controller --timeout=300s
kubectl apply -f cert-issuers.yaml
kubectl wait --for=condition=Ready clusterissuer/courier-ca --timeout=120s
kubectl apply -f namespace.yaml
