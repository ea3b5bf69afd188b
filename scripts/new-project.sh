#!/usr/bin/env bash
# Creates the skeleton of an Nx project so every project is wired the same way.
# usage: scripts/new-project.sh <root> <name> '<tags json>' [library|application] [int]
set -euo pipefail
root=$1 name=$2 tags=$3 kind=${4:-library} int=${5:-}
cd "$(dirname "$0")/.."
mkdir -p "$root/src"
rel=$(python3 -c "import os,sys;print(os.path.relpath('.', sys.argv[1]))" "$root")
int_target=''
[ "$int" = int ] && int_target='
    "test-int": {},'
cat > "$root/project.json" <<EOF
{
  "name": "$name",
  "\$schema": "$rel/node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "$kind",
  "tags": $tags,
  "targets": {
    "test": {},$int_target
    "typecheck": {},
    "lint": {}
  }
}
EOF
echo "{ \"name\": \"@lcm/$name\", \"version\": \"0.1.0\", \"private\": true }" > "$root/package.json"
echo "{ \"extends\": \"$rel/tsconfig.base.json\", \"include\": [\"src/**/*.ts\"] }" > "$root/tsconfig.json"
cat > "$root/jest.config.ts" <<EOF
/* eslint-disable */
export default {
  ...require('$rel/jest.preset.js'),
  displayName: '$name',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
EOF
if [ "$int" = int ]; then
cat > "$root/jest.int.config.ts" <<EOF
/* eslint-disable */
export default {
  ...require('$rel/jest.int.preset.js'),
  displayName: '$name:int',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
};
EOF
fi
echo "created $root ($name)"
