export * from '@cloud-native-portal/plugin-ownership-common';
