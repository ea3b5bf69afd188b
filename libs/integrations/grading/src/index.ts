export * from './grading.port';
export * from './grading.schemas';
export * from './grading.pod';
export * from './grading.token';
export * from './grading.http-adapter';
export * from './grading.fake';
